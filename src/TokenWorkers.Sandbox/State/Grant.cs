namespace TokenWorkers.Sandbox.State;

/// <summary>
/// One member's authorization of one app: what a consent or a code exchange creates. The refresh
/// token's hard end is fixed here at the first grant; refreshes never move it.
/// </summary>
internal sealed class Grant
{
    private long _forcedExpiryTicks;
    private int _revoked;
    private int _rotateNext;
    private int _omitNext;

    public Grant(string id, SandboxApp app, SandboxMember member, IReadOnlyList<string> scopes, DateTimeOffset authorizedAt, TimeSpan refreshLifetime)
    {
        Id = id;
        ClientId = app.ClientId;
        MemberSub = member.Sub;
        Scopes = scopes;
        ScopeText = State.Scopes.Format(scopes);
        AuthorizedAt = authorizedAt;
        RefreshExpiresAt = authorizedAt + refreshLifetime;
    }

    public string Id { get; }

    public string ClientId { get; }

    public string MemberSub { get; }

    public IReadOnlyList<string> Scopes { get; }

    public string ScopeText { get; }

    public DateTimeOffset AuthorizedAt { get; }

    /// <summary>Guards token issuance for this grant only, so refreshes of different grants never contend.</summary>
    public Lock Sync { get; } = new();

    public DateTimeOffset RefreshExpiresAt { get; }

    /// <summary>Set by the "force-expire" knob: everything of this grant counts as expired from then on.</summary>
    public DateTimeOffset? ForcedExpiry
    {
        get
        {
            var ticks = Interlocked.Read(ref _forcedExpiryTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public bool IsRevoked => Volatile.Read(ref _revoked) != 0;

    /// <summary>Current refresh token; replaced when the grant rotates it. Written under <see cref="Sync"/>.</summary>
    public RefreshTokenRecord? Refresh { get; set; }

    /// <summary>The newest access token; older ones are superseded. Written under <see cref="Sync"/>.</summary>
    public AccessTokenRecord? Access { get; set; }

    /// <summary>The newest access token's value, so a refresh can retire it from the hot dictionary. Written under <see cref="Sync"/>.</summary>
    public string? AccessTokenValue { get; set; }

    public DateTimeOffset EffectiveRefreshExpiry =>
        ForcedExpiry is { } forced && forced < RefreshExpiresAt ? forced : RefreshExpiresAt;

    public bool Contains(string scope) => Scopes.Contains(scope, StringComparer.Ordinal);

    public void Revoke() => Volatile.Write(ref _revoked, 1);

    public void ForceExpiry(DateTimeOffset at) => Interlocked.Exchange(ref _forcedExpiryTicks, at.UtcTicks);

    public void RequestRotation() => Interlocked.Increment(ref _rotateNext);

    public void RequestOmission() => Interlocked.Increment(ref _omitNext);

    public bool TakeRotation() => Countdown.TakeOne(ref _rotateNext);

    public bool TakeOmission() => Countdown.TakeOne(ref _omitNext);
}

/// <summary>An issued access token. The token string is the dictionary key; records keep only its fingerprint.</summary>
internal sealed class AccessTokenRecord(Grant grant, string fingerprint, DateTimeOffset createdAt, DateTimeOffset expiresAt)
{
    private long _supersededTicks;

    public Grant Grant { get; } = grant;

    public string Fingerprint { get; } = fingerprint;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>When a refresh replaced this token; it stays usable for the configured grace after that.</summary>
    public DateTimeOffset? SupersededAt
    {
        get
        {
            var ticks = Interlocked.Read(ref _supersededTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    public void Supersede(DateTimeOffset at) => Interlocked.CompareExchange(ref _supersededTicks, at.UtcTicks, 0);

    public DateTimeOffset EffectiveExpiry =>
        Grant.ForcedExpiry is { } forced && forced < ExpiresAt ? forced : ExpiresAt;
}

/// <summary>An issued refresh token; superseded only when the grant rotates it.</summary>
internal sealed class RefreshTokenRecord(Grant grant, string fingerprint, DateTimeOffset createdAt)
{
    private int _superseded;

    public Grant Grant { get; } = grant;

    public string Fingerprint { get; } = fingerprint;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public bool IsSuperseded => Volatile.Read(ref _superseded) != 0;

    public void Supersede() => Volatile.Write(ref _superseded, 1);
}
