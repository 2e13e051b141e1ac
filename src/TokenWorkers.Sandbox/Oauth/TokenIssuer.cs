using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Oauth;

/// <summary>
/// Mints grants and tokens with LinkedIn's lifetime rules: the refresh token's end is fixed at the
/// first grant, and every access token lives <c>min(60 days, what the refresh token has left)</c>.
/// </summary>
internal sealed class TokenIssuer(TokenStore store, Registrations registrations, SandboxClock clock, RuntimeKnobs knobs)
{
    private int _rotateAny;
    private int _omitAny;

    public IssuedTokens IssueGrant(SandboxApp app, SandboxMember member, IReadOnlyList<string> scopes)
    {
        var now = clock.UtcNow;
        var grant = new Grant(store.NextGrantId(), app, member, scopes, now, knobs.Settings.RefreshTokenLifetime);
        IssuedTokens issued;
        lock (grant.Sync)
        {
            string? refreshToken = null;
            if (app.ProgrammaticRefresh)
            {
                refreshToken = OpaqueToken.RefreshToken();
                grant.Refresh = new RefreshTokenRecord(grant, TokenFingerprint.Of(refreshToken), now);
                store.Add(refreshToken, grant.Refresh);
            }

            issued = MintAccess(grant, member, app.ProgrammaticRefresh, refreshToken, now);
        }

        store.Add(grant);
        return issued;
    }

    /// <summary>Exchanges a refresh token; null when it is unknown, of another app, expired or revoked (LinkedIn answers all alike).</summary>
    public IssuedTokens? Refresh(SandboxApp app, string refreshToken, RefreshTokenRecord? record)
    {
        if (record is null || !app.ProgrammaticRefresh)
        {
            return null;
        }

        var grant = record.Grant;
        if (!string.Equals(grant.ClientId, app.ClientId, StringComparison.Ordinal) || grant.IsRevoked)
        {
            return null;
        }

        var member = registrations.FindMember(grant.MemberSub);
        if (member is null)
        {
            return null;
        }

        lock (grant.Sync)
        {
            var now = clock.UtcNow;
            if (record.IsSuperseded || now >= grant.EffectiveRefreshExpiry)
            {
                return null;
            }

            // Omitting wins over rotating: a rotated value nobody receives would strand the client.
            var omit = grant.TakeOmission() || Countdown.TakeOne(ref _omitAny);
            var returned = refreshToken;
            if (!omit && (knobs.Settings.RotateRefreshTokens || grant.TakeRotation() || Countdown.TakeOne(ref _rotateAny)))
            {
                returned = OpaqueToken.RefreshToken();
                record.Supersede();
                grant.Refresh = new RefreshTokenRecord(grant, TokenFingerprint.Of(returned), now);
                store.Add(returned, grant.Refresh);
            }

            return MintAccess(grant, member, includeRefresh: !omit, returned, now);
        }
    }

    public void RotateNextRefreshToken() => Interlocked.Increment(ref _rotateAny);

    public void OmitNextRefreshToken() => Interlocked.Increment(ref _omitAny);

    private IssuedTokens MintAccess(Grant grant, SandboxMember member, bool includeRefresh, string? refreshToken, DateTimeOffset now)
    {
        var refreshLeft = WholeSeconds(grant.EffectiveRefreshExpiry - now);
        var expiresIn = Math.Min(WholeSeconds(knobs.Settings.AccessTokenLifetime), refreshLeft);
        var expiresAt = now.AddSeconds(expiresIn);

        var accessToken = OpaqueToken.AccessToken();
        var record = new AccessTokenRecord(grant, TokenFingerprint.Of(accessToken), now, expiresAt);
        store.Add(accessToken, record);
        grant.Access?.Supersede(now);
        if (grant.AccessTokenValue is { } previous)
        {
            store.Retire(previous);
        }

        grant.Access = record;
        grant.AccessTokenValue = accessToken;

        var idToken = grant.Contains(Scopes.OpenId)
            ? IdToken.Create(member, grant.ClientId, grant.Scopes, now, expiresAt)
            : null;
        return new IssuedTokens(
            grant,
            accessToken,
            record.Fingerprint,
            expiresIn,
            includeRefresh ? refreshToken : null,
            includeRefresh && refreshToken is not null ? refreshLeft : null,
            idToken);
    }

    private static long WholeSeconds(TimeSpan span) => Math.Max(0, (long)Math.Floor(span.TotalSeconds));
}

/// <summary>What one issuance produced, before it becomes a token response.</summary>
internal sealed record IssuedTokens(
    Grant Grant,
    string AccessToken,
    string AccessTokenFingerprint,
    long ExpiresIn,
    string? RefreshToken,
    long? RefreshTokenExpiresIn,
    string? IdToken)
{
    public TokenResponse ToResponse(bool withGrantId = false) => new(
        AccessToken, ExpiresIn, RefreshToken, RefreshTokenExpiresIn, Grant.ScopeText, "Bearer", IdToken, withGrantId ? Grant.Id : null);
}
