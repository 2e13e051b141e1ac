using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Hosting;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Oauth;

/// <summary>
/// <c>POST /oauth/v2/introspectToken</c> for access and refresh tokens. Statuses per LinkedIn's page:
/// 400 for an unknown client id or token, 401 for a wrong secret, 200 <c>active:false</c> for a
/// token of another app.
/// </summary>
internal sealed class IntrospectionEndpoint(Registrations registrations, TokenStore store, SandboxClock clock, RuntimeKnobs knobs)
{
    public async ValueTask<IResult> HandleAsync(HttpContext http, CallRecord call)
    {
        var (form, error) = await OauthForm.ReadAsync(http, call);
        if (form is null)
        {
            return error!;
        }

        var clientId = form.Required("client_id", call, ref error);
        var clientSecret = form.Required("client_secret", call, ref error);
        var token = form.Required("token", call, ref error);
        if (error is not null)
        {
            return error;
        }

        call.ClientId = clientId;
        if (registrations.FindApp(clientId) is null)
        {
            return OauthErrors.Error(call, 400, OauthErrors.InvalidRequest, "The client_id is invalid");
        }

        var app = ClientCredentials.Authenticate(registrations, clientId!, clientSecret!);
        if (app is null)
        {
            return OauthErrors.ClientAuthenticationFailed(call);
        }

        var now = clock.UtcNow;
        var response = store.FindAccess(token!) is { } access ? Describe(access, now, call)
            : store.FindRefresh(token!) is { } refresh ? Describe(refresh, now, call)
            : null;
        if (response is null)
        {
            call.TokenFingerprint = TokenFingerprint.Of(token!);
            return OauthErrors.Error(call, 400, OauthErrors.InvalidRequest, "The token is invalid");
        }

        if (!string.Equals(call.ClientId, app.ClientId, StringComparison.Ordinal))
        {
            call.Outcome = "foreign_token";
            call.ClientId = app.ClientId;
            return Results.Json(new IntrospectionResponse(false), SandboxJson.Options);
        }

        return Results.Json(response, SandboxJson.Options);
    }

    private IntrospectionResponse Describe(AccessTokenRecord access, DateTimeOffset now, CallRecord call)
    {
        call.Use(access.Grant);
        call.TokenFingerprint = access.Fingerprint;
        var revoked = access.Grant.IsRevoked
            || (access.SupersededAt is { } superseded && now >= superseded + knobs.OldAccessTokenGrace);
        return Describe(access.Grant, revoked, now >= access.EffectiveExpiry, access.CreatedAt, access.EffectiveExpiry);
    }

    private static IntrospectionResponse Describe(RefreshTokenRecord refresh, DateTimeOffset now, CallRecord call)
    {
        call.Use(refresh.Grant);
        call.TokenFingerprint = refresh.Fingerprint;
        var expiresAt = refresh.Grant.EffectiveRefreshExpiry;
        return Describe(refresh.Grant, refresh.Grant.IsRevoked || refresh.IsSuperseded, now >= expiresAt, refresh.CreatedAt, expiresAt);
    }

    private static IntrospectionResponse Describe(Grant grant, bool revoked, bool expired, DateTimeOffset createdAt, DateTimeOffset expiresAt)
    {
        var status = revoked ? "revoked" : expired ? "expired" : "active";
        return new IntrospectionResponse(
            status == "active",
            status,
            grant.ScopeText,
            grant.ClientId,
            createdAt.ToUnixTimeSeconds(),
            expiresAt.ToUnixTimeSeconds(),
            grant.AuthorizedAt.ToUnixTimeSeconds(),
            "3L");
    }
}
