using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.LinkedIn;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;
using TokenWorkers.Refresh;

namespace TokenWorkers.Publishing;

/// <summary>
/// A fresh access token for a call to LinkedIn's API: refreshed inline (through the refresher's lease) when it expires
/// within the margin, waiting for another holder's lease rather than refreshing twice, and refreshed once more when
/// LinkedIn answers 401 to the call (unless someone already replaced that token), then the call is made once more.
/// </summary>
public sealed partial class AccessTokenProvider(
    IConnectionStore store,
    ConnectionRefresher refresher,
    AggregateWriter<Connection> connections,
    IReconnectLinks reconnectLinks,
    TimeProvider time,
    IOptions<PublishingOptions> options,
    ILogger<AccessTokenProvider> logger)
{
    private static readonly TimeSpan LeasePoll = TimeSpan.FromMilliseconds(50);
    private readonly PublishingOptions _options = options.Value;

    /// <summary>The connection with an access token valid beyond the margin, refreshed inline if needed; null if it is gone.</summary>
    public async Task<Connection?> GetFreshAsync(string connectionId, CancellationToken cancellationToken)
    {
        var margin = _options.TokenExpiryMargin;
        var connection = await store.FindAsync(connectionId, cancellationToken);
        if (connection is not { Status: ConnectionStatus.Active } || !Expiring(connection, time.GetUtcNow(), margin))
        {
            return connection;
        }

        var (outcome, _) = await refresher.RefreshBeforeUseAsync(connectionId, (c, now) => Expiring(c, now, margin), cancellationToken);
        LogInlineRefresh(logger, connectionId, outcome);
        return await AfterRefreshAsync(connectionId, outcome, cancellationToken);
    }

    /// <summary>
    /// Makes <paramref name="call"/> with the connection's token; on a 401, refreshes once and calls once more (unless
    /// <paramref name="callAgain"/> is false: a call that is not safe to repeat gets the 401, and the next call the new
    /// token). The connection returned is the latest known, so a caller can tell a dead grant (not active) from a
    /// transient failure.
    /// </summary>
    public async Task<(ApiResult Result, Connection Connection)> CallAsync(
        Connection connection, Func<SecretToken, Task<ApiResult>> call, CancellationToken cancellationToken, bool callAgain = true)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(call);
        var used = connection.AccessToken!;
        var result = await call(used);
        if (result is not ApiRejected { Class: FailureClass.Reauth } unauthorized)
        {
            return (result, connection);
        }

        var (outcome, _) = await refresher.ReplaceRefusedAsync(connection.ConnectionId, used, cancellationToken);
        LogRefreshAfterUnauthorized(logger, connection.ConnectionId, unauthorized.Status, unauthorized.Code, outcome);
        var after = await AfterRefreshAsync(connection.ConnectionId, outcome, cancellationToken);
        if (after is not { Status: ConnectionStatus.Active, AccessToken: { } token })
        {
            // Re-authorization needed already (the refresh was rejected, or someone else found out): the caller parks.
            return (result, after ?? connection);
        }

        if (Equals(token, used))
        {
            // Not replaced. Without a usable refresh token nothing will ever replace it: the member must log in again.
            // Otherwise the refresh failed transiently (or is rate limited) and the caller retries later.
            return outcome == RefreshOutcome.NotDue && !RefreshSchedule.CanReplace(after, time.GetUtcNow())
                ? (result, await RejectAsync(after, used, unauthorized, cancellationToken))
                : (result, after);
        }

        if (!callAgain)
        {
            return (result, after);
        }

        var again = await call(token);
        return again is ApiRejected { Class: FailureClass.Reauth } refusedAgain
            ? (again, await RejectAsync(after, token, refusedAgain, cancellationToken))
            : (again, after);
    }

    /// <summary>LinkedIn refuses <paramref name="refused"/> and refreshing cannot cure it: ReauthRequired, once.</summary>
    private async Task<Connection> RejectAsync(Connection connection, SecretToken refused, ApiRejected answer, CancellationToken cancellationToken)
    {
        var link = reconnectLinks.LinkFor(connection.ConnectionId, connection.TenantId);
        var written = await connections.UpdateAsync(
            connection.ConnectionId, (c, now) => ConnectionTransitions.AccessRejected(c, now, refused, answer.Code, link), cancellationToken);
        LogAccessRejected(logger, connection.ConnectionId, answer.Status, answer.Code, written.Changed);
        return written.Current ?? connection;
    }

    private async Task<Connection?> AfterRefreshAsync(string connectionId, RefreshOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome == RefreshOutcome.Leased)
        {
            // Another instance is refreshing right now: wait briefly for it rather than refresh twice. The lease lapses on
            // the worker's clock (TimeProvider); the holder works in real time, so the polls are a real-time interval,
            // bounded in number too, so a clock that stands still (a test's) cannot make the wait endless.
            var deadline = time.GetUtcNow() + _options.LeaseWait;
            var polls = (int)Math.Ceiling(_options.LeaseWait / LeasePoll);
            for (var poll = 0; poll < polls && time.GetUtcNow() < deadline; poll++)
            {
                var current = await store.FindAsync(connectionId, cancellationToken);
                if (current?.Lease is not { } lease || lease.Until <= time.GetUtcNow())
                {
                    return current;
                }

                await Task.Delay(LeasePoll, cancellationToken);
            }
        }

        return await store.FindAsync(connectionId, cancellationToken);
    }

    private static bool Expiring(Connection c, DateTimeOffset now, TimeSpan margin) =>
        c.AccessTokenExpiresAt is not { } expiry || expiry <= now + margin;

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Inline refresh of {ConnectionId} before posting (its access token expires within the margin): {Outcome}")]
    private static partial void LogInlineRefresh(ILogger logger, string connectionId, RefreshOutcome outcome);

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning,
        Message = "LinkedIn answered {Status} {ErrorCode} to the access token of {ConnectionId} and refreshing cannot replace it: the member must log in again (recorded now: {Recorded})")]
    private static partial void LogAccessRejected(ILogger logger, string connectionId, int status, string? errorCode, bool recorded);

    [LoggerMessage(EventId = 509, Level = LogLevel.Information, Message = "Inline refresh of {ConnectionId} after LinkedIn answered {Status} {ErrorCode} to a posting call: {Outcome}")]
    private static partial void LogRefreshAfterUnauthorized(ILogger logger, string connectionId, int status, string? errorCode, RefreshOutcome outcome);
}
