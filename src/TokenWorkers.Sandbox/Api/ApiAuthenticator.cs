using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// The checks every API call passes first, in LinkedIn's order: a usable bearer token (401 with
/// 65600/65601/65602), then the daily quotas (429).
/// </summary>
internal sealed class ApiAuthenticator(TokenStore store, Registrations registrations, SandboxClock clock, RuntimeKnobs knobs, DailyLimits limits)
{
    public (Grant? Grant, SandboxMember? Member, IResult? Error) Authenticate(HttpContext http, CallRecord call, bool posting)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (string.IsNullOrWhiteSpace(header))
        {
            return Fail(ApiErrors.EmptyToken(call));
        }

        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return Fail(ApiErrors.InvalidToken(call));
        }

        var token = header[Scheme.Length..].Trim();
        if (token.Length == 0)
        {
            return Fail(ApiErrors.EmptyToken(call));
        }

        var access = store.FindAccess(token);
        if (access is null)
        {
            call.TokenFingerprint = TokenFingerprint.Of(token);
            return Fail(ApiErrors.InvalidToken(call));
        }

        var grant = access.Grant;
        call.TokenFingerprint = access.Fingerprint;
        call.Use(grant);
        var now = clock.UtcNow;
        if (grant.IsRevoked
            || (access.SupersededAt is { } superseded && now >= superseded + knobs.OldAccessTokenGrace)
            || now < access.CreatedAt + knobs.Settings.NewAccessTokenActivationDelay)
        {
            return Fail(ApiErrors.RevokedToken(call));
        }

        if (now >= access.EffectiveExpiry)
        {
            return Fail(ApiErrors.ExpiredToken(call));
        }

        var member = registrations.FindMember(grant.MemberSub);
        if (member is null)
        {
            return Fail(ApiErrors.RevokedToken(call));
        }

        if (limits.Count(grant.ClientId, grant.MemberSub, posting) is { } exhausted)
        {
            return Fail(ApiErrors.Throttled(call, exhausted));
        }

        return (grant, member, null);
    }

    private static (Grant?, SandboxMember?, IResult?) Fail(IResult error) => (null, null, error);
}
