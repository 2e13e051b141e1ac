using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Connections;

/// <summary>
/// Builds the events of a state change. <paramref name="version"/> is the version the write will produce,
/// which makes each event id deterministic for (connection, version, kind).
/// </summary>
public static class ConnectionEvents
{
    public static RefreshDue RefreshDue(Connection c, long version, DateTimeOffset now, string trigger) => new()
    {
        EventId = EventIds.For(c.ConnectionId, version, nameof(Contracts.RefreshDue)),
        ConnectionId = c.ConnectionId,
        TenantId = c.TenantId,
        Version = version,
        OccurredAt = now,
        AccessTokenExpiresAt = c.AccessTokenExpiresAt,
        Trigger = trigger,
    };

    public static TokenRefreshed TokenRefreshed(Connection refreshed, long version, DateTimeOffset now, bool rotated) => new()
    {
        EventId = EventIds.For(refreshed.ConnectionId, version, nameof(Contracts.TokenRefreshed)),
        ConnectionId = refreshed.ConnectionId,
        TenantId = refreshed.TenantId,
        Version = version,
        OccurredAt = now,
        AccessTokenExpiresAt = refreshed.AccessTokenExpiresAt ?? now,
        RefreshTokenExpiresAt = refreshed.RefreshTokenExpiresAt,
        RefreshTokenRotated = rotated,
        Scopes = refreshed.Scopes,
    };

    public static ReauthRequired ReauthRequired(
        Connection c, long version, DateTimeOffset now, ReauthReason reason, string? errorCode, Uri? reconnectUrl) => new()
        {
            EventId = EventIds.For(c.ConnectionId, version, nameof(Contracts.ReauthRequired)),
            ConnectionId = c.ConnectionId,
            TenantId = c.TenantId,
            Version = version,
            OccurredAt = now,
            FailureClass = FailureClass.Reauth,
            Reason = reason,
            ErrorCode = errorCode,
            App = c.App,
            Deadline = c.AccessTokenExpiresAt,
            ReconnectUrl = reconnectUrl,
        };

    public static ReauthSoon ReauthSoon(
        Connection c, long version, DateTimeOffset now, ReauthReason reason, DateTimeOffset deadline, int daysBefore, Uri? reconnectUrl) => new()
        {
            EventId = EventIds.For(c.ConnectionId, version, nameof(Contracts.ReauthSoon)),
            ConnectionId = c.ConnectionId,
            TenantId = c.TenantId,
            Version = version,
            OccurredAt = now,
            FailureClass = FailureClass.Reauth,
            Reason = reason,
            Deadline = deadline,
            DaysBefore = daysBefore,
            ReconnectUrl = reconnectUrl,
        };

    public static ConnectionRecovered ConnectionRecovered(Connection before, long version, DateTimeOffset now) => new()
    {
        EventId = EventIds.For(before.ConnectionId, version, nameof(Contracts.ConnectionRecovered)),
        ConnectionId = before.ConnectionId,
        TenantId = before.TenantId,
        Version = version,
        OccurredAt = now,
        PreviousFailureClass = before.LastFailure?.Class ?? FailureClass.Transient,
        ProblemSince = before.ProblemSince,
        FailedAttempts = before.FailureCount,
    };

    public static ConnectionAuthorized Authorized(Connection c, long version, DateTimeOffset now, bool reconnected, bool imported = false) => new()
    {
        EventId = EventIds.For(c.ConnectionId, version, nameof(Contracts.ConnectionAuthorized)),
        ConnectionId = c.ConnectionId,
        TenantId = c.TenantId,
        Version = version,
        OccurredAt = now,
        MemberUrn = c.MemberUrn!,
        Reconnected = reconnected,
        AccessTokenExpiresAt = c.AccessTokenExpiresAt,
        RefreshTokenExpiresAt = c.RefreshTokenExpiresAt,
        Scopes = c.Scopes,
        Imported = imported,
        App = c.App,
    };

    public static ConnectionDisconnected Disconnected(Connection c, long version, DateTimeOffset now, string? reason, Uri? reconnectUrl) => new()
    {
        EventId = EventIds.For(c.ConnectionId, version, nameof(Contracts.ConnectionDisconnected)),
        ConnectionId = c.ConnectionId,
        TenantId = c.TenantId,
        Version = version,
        OccurredAt = now,
        Reason = reason,
        ReconnectUrl = reconnectUrl,
    };
}
