namespace TokenWorkers.Connections;

/// <summary>Builds the first state of a connection from LinkedIn's answer to its first grant.</summary>
public static class NewConnections
{
    /// <summary>
    /// The refresh token's hard end is fixed here, from the first grant's <c>refresh_token_expires_in</c>,
    /// and never recomputed by a later refresh. The access token never outlives it.
    /// </summary>
    public static Connection FromGrant(
        string connectionId, string tenantId, TokenGrant grant, RefreshSchedule schedule, DateTimeOffset now, string? memberUrn = null,
        string app = Connection.DefaultApp)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(schedule);
        DateTimeOffset? hardEnd = grant.RefreshToken is not null ? grant.RefreshTokenEndsAt : null;
        var connection = new Connection
        {
            ConnectionId = connectionId,
            TenantId = tenantId,
            App = app,
            MemberUrn = memberUrn,
            Scopes = grant.Scopes,
            Status = ConnectionStatus.Active,
            AccessToken = grant.AccessToken,
            RefreshToken = grant.RefreshToken,
            AccessTokenExpiresAt = Lifetimes.AccessExpiry(grant.AccessTokenExpiresAt, hardEnd),
            RefreshTokenExpiresAt = hardEnd.ToStoredPrecision(),
            CreatedAt = now,
        };
        return connection with { NextRefreshAt = schedule.NextCheckAt(connection, now) };
    }
}

/// <summary>LinkedIn's lifetime rules, in one place.</summary>
public static class Lifetimes
{
    /// <summary>An access token never outlives the refresh token's hard end; cut to the stores' precision.</summary>
    public static DateTimeOffset AccessExpiry(DateTimeOffset granted, DateTimeOffset? hardEnd) =>
        (hardEnd is { } end && granted > end ? end : granted).ToStoredPrecision();
}
