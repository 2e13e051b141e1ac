using TokenWorkers.Sandbox.Oauth;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Control;

/// <summary>
/// What happens to grants outside the OAuth flow: seeding one without the browser step, and what LinkedIn or the
/// member does behind the app's back (revocation, expiry, a changed answer to the next refresh).
/// </summary>
internal sealed class GrantControl(Registrations registrations, TokenStore tokens, TokenIssuer issuer, SandboxClock clock)
{
    public SeededGrant Seed(string clientId, string memberSub, IEnumerable<string> scopes)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var app = registrations.FindApp(clientId) ?? throw new KeyNotFoundException($"No app has client id \"{clientId}\".");
        var member = registrations.FindMember(memberSub) ?? throw new KeyNotFoundException($"No member has sub \"{memberSub}\".");
        var granted = scopes.SelectMany(s => Scopes.Parse(s)).Distinct(StringComparer.Ordinal).ToArray();
        if (granted.Length == 0)
        {
            throw new ArgumentException("A grant needs at least one scope.", nameof(scopes));
        }

        if (granted.FirstOrDefault(s => !Scopes.Known.Contains(s)) is { } unknown)
        {
            throw new ArgumentException($"Unknown scope \"{unknown}\".", nameof(scopes));
        }

        if (granted.FirstOrDefault(s => !app.AllowedScopes.Contains(s, StringComparer.Ordinal)) is { } unauthorized)
        {
            throw new ArgumentException($"Scope \"{unauthorized}\" is not authorized for app \"{clientId}\".", nameof(scopes));
        }

        var issued = issuer.IssueGrant(app, member, granted);
        return new SeededGrant(issued.Grant.Id, issued.AccessToken, issued.ExpiresIn, issued.RefreshToken, issued.RefreshTokenExpiresIn, issued.Grant.ScopeText, "Bearer", issued.IdToken);
    }

    public IReadOnlyList<SandboxGrant> All =>
        [.. tokens.Grants.OrderBy(g => g.Id, StringComparer.Ordinal).Select(View)];

    public SandboxGrant? Find(string grantId) => tokens.FindGrant(grantId) is { } grant ? View(grant) : null;

    public void Revoke(string grantId) => Require(grantId).Revoke();

    public int RevokeApp(string memberSub, string clientId)
    {
        var revoked = 0;
        foreach (var grant in tokens.Grants)
        {
            if (grant.MemberSub == memberSub && grant.ClientId == clientId && !grant.IsRevoked)
            {
                grant.Revoke();
                revoked++;
            }
        }

        return revoked;
    }

    public void Expire(string grantId) => Require(grantId).ForceExpiry(clock.UtcNow);

    public void RotateNextRefreshToken(string? grantId)
    {
        if (grantId is null)
        {
            issuer.RotateNextRefreshToken();
        }
        else
        {
            Require(grantId).RequestRotation();
        }
    }

    public void OmitNextRefreshToken(string? grantId)
    {
        if (grantId is null)
        {
            issuer.OmitNextRefreshToken();
        }
        else
        {
            Require(grantId).RequestOmission();
        }
    }

    private Grant Require(string grantId) =>
        tokens.FindGrant(grantId) ?? throw new KeyNotFoundException($"No grant has id \"{grantId}\".");

    private static SandboxGrant View(Grant grant)
    {
        lock (grant.Sync)
        {
            return new SandboxGrant(
                grant.Id,
                grant.ClientId,
                grant.MemberSub,
                grant.Scopes,
                grant.AuthorizedAt,
                grant.EffectiveRefreshExpiry,
                grant.IsRevoked,
                grant.Access?.Fingerprint,
                grant.Access?.EffectiveExpiry,
                grant.Refresh?.Fingerprint);
        }
    }
}
