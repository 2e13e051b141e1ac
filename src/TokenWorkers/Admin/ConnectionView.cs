using TokenWorkers.Connections;
using TokenWorkers.Contracts;

namespace TokenWorkers.Admin;

/// <summary>
/// A connection as the admin API shows it. Built field by field from <see cref="Connection"/>, so a token can
/// never reach a response by someone adding a property to the domain model.
/// </summary>
public sealed record ConnectionView(
    string ConnectionId,
    string TenantId,
    string App,
    string? MemberUrn,
    ConnectionStatus Status,
    ConnectionHealth Health,
    long Version,
    IReadOnlyList<string> Scopes,
    bool HasAccessToken,
    bool HasRefreshToken,
    DateTimeOffset? AccessTokenExpiresAt,
    DateTimeOffset? RefreshTokenExpiresAt,
    DateTimeOffset? NextRefreshAt,
    DateTimeOffset? LastRefreshedAt,
    DateTimeOffset CreatedAt,
    int FailureCount,
    FailureView? LastFailure,
    DateTimeOffset? ProblemSince,
    DateTimeOffset? LeasedUntil,
    int PendingEvents,
    Uri? ReconnectUrl)
{
    public static ConnectionView Of(Connection c, DateTimeOffset now, Uri? reconnectUrl)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new ConnectionView(
            c.ConnectionId,
            c.TenantId,
            c.App,
            c.MemberUrn,
            c.Status,
            ConnectionHealths.Of(c, now),
            c.Version,
            c.Scopes,
            c.AccessToken is not null,
            c.RefreshToken is not null,
            c.AccessTokenExpiresAt,
            c.RefreshTokenExpiresAt,
            c.NextRefreshAt,
            c.LastRefreshedAt,
            c.CreatedAt,
            c.FailureCount,
            c.LastFailure is { } f ? new FailureView(f.Class, f.ErrorCode, f.Message, f.At) : null,
            c.ProblemSince,
            c.Lease is { } lease && lease.Until > now ? lease.Until : null,
            c.PendingEvents.Count,
            c.Status == ConnectionStatus.Active ? null : reconnectUrl);
    }
}

public sealed record FailureView(FailureClass Class, string? ErrorCode, string Message, DateTimeOffset At);

/// <summary>One connection with its timeline, newest entry first.</summary>
public sealed record ConnectionDetails(ConnectionView Connection, IReadOnlyList<RefreshAttempt> Timeline);

/// <summary>
/// Why a forced refresh cannot extend a connection (outcome NotDue), in the words an operator needs: LinkedIn never
/// extends a refresh token's end, so a connection whose access token already lasts until then needs its member back.
/// </summary>
public static class RefreshRefusals
{
    public static string Explain(Connection c, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.RefreshToken is null)
        {
            return "The connection has no refresh token (LinkedIn issued none): only the member reconnecting extends it.";
        }

        if (c.RefreshTokenExpiresAt is { } end && end <= now)
        {
            return $"The connection's refresh token ended at {end:O}: the member must connect again.";
        }

        return $"Its access token already lasts until its refresh token's end ({c.RefreshTokenExpiresAt:O}), which LinkedIn never " +
               "extends: a refresh would gain nothing. The member must reconnect before then (ReauthSoon asks them).";
    }
}

/// <summary>
/// A page of connections; pass <see cref="Next"/> as <c>after</c> for the next one (null on the last page). Connections
/// of the page that cannot be read are in <see cref="Unreadable"/>, in id order like the items.
/// </summary>
public sealed record ConnectionPage(IReadOnlyList<ConnectionView> Items, string? Next, IReadOnlyList<UnreadableView> Unreadable);

/// <summary>How an operator should read a connection at a glance.</summary>
public enum ConnectionHealth
{
    /// <summary>Active with a valid access token and no recent failure.</summary>
    Healthy = 1,

    /// <summary>Active, but the last attempts failed (LinkedIn down, rate limited, misconfigured): tokens kept, retrying.</summary>
    Failing = 2,

    /// <summary>Active, but the refresh token's hard end is near: only the member logging in again extends it.</summary>
    ExpiringSoon = 3,

    /// <summary>The member must log in again, or the access token has expired with nothing left to refresh it.</summary>
    Dead = 4,

    /// <summary>Disconnected by an operator.</summary>
    Disconnected = 5,
}

public static class ConnectionHealths
{
    /// <summary>
    /// A refresh-token hard end closer than this makes an active connection <see cref="ConnectionHealth.ExpiringSoon"/>, as
    /// does any ReauthSoon already sent for it.
    /// </summary>
    public static readonly TimeSpan ExpiringSoonWindow = TimeSpan.FromDays(14);

    public static ConnectionHealth Of(Connection c, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Status == ConnectionStatus.Disconnected)
        {
            return ConnectionHealth.Disconnected;
        }

        if (c.Status == ConnectionStatus.ReauthRequired || c.AccessTokenExpiresAt is not { } expiry || expiry <= now)
        {
            return ConnectionHealth.Dead;
        }

        if (c.FailureCount > 0)
        {
            return ConnectionHealth.Failing;
        }

        // Without a refresh token the access token's expiry is the connection's end. Once the member has been warned
        // (ReauthSoon), the connection is expiring as far as anyone watching is concerned, whatever the window says.
        var end = c.RefreshTokenExpiresAt ?? expiry;
        return c.ReauthWarningsSent.Count > 0 || end - now < ExpiringSoonWindow ? ConnectionHealth.ExpiringSoon : ConnectionHealth.Healthy;
    }
}
