using TokenWorkers.LinkedIn;
using TokenWorkers.Refresh;

namespace TokenWorkers.Connections;

/// <summary>Builds the first state of a connection from LinkedIn's answer to its first grant.</summary>
public static class NewConnections
{
    /// <summary>
    /// The refresh token's hard end is fixed here, from the first grant's <c>refresh_token_expires_in</c>,
    /// and never recomputed by a later refresh.
    /// </summary>
    public static Connection FromGrant(
        string connectionId, string tenantId, TokenGranted grant, RefreshSchedule schedule, DateTimeOffset now, string? memberUrn = null)
    {
        DateTimeOffset? hardEnd = grant.RefreshToken is not null && grant.RefreshTokenExpiresIn is { } left
            ? grant.RequestedAt + left
            : null;
        var accessExpiry = hardEnd is { } end && grant.AccessTokenExpiresAt > end ? end : grant.AccessTokenExpiresAt;
        var connection = new Connection
        {
            ConnectionId = connectionId,
            TenantId = tenantId,
            MemberUrn = memberUrn,
            Scopes = grant.Scopes,
            Status = ConnectionStatus.Active,
            AccessToken = grant.AccessToken,
            RefreshToken = grant.RefreshToken,
            AccessTokenExpiresAt = accessExpiry.ToStoredPrecision(),
            RefreshTokenExpiresAt = hardEnd.ToStoredPrecision(),
            CreatedAt = now,
        };
        return connection with { NextRefreshAt = schedule.NextCheckAt(connection, now) };
    }
}
