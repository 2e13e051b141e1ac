using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Outbox;

namespace TokenWorkers.Refresh;

/// <summary>
/// Finds connections whose next check is due and decides, in one version-checked write per connection:
/// claim it and queue <see cref="RefreshDue"/>, warn with <see cref="ReauthSoon"/>, or declare it dead
/// with <see cref="ReauthRequired"/>. The claim moves its next check past a timeout, so another
/// instance's scan does not dispatch it again; a lost RefreshDue is re-dispatched after the timeout.
/// </summary>
public sealed partial class RefreshScanner(
    IConnectionStore store,
    RefreshSchedule schedule,
    OutboxDispatcher outbox,
    IReconnectLinks reconnectLinks,
    TimeProvider time,
    IOptions<RefreshOptions> options,
    ILogger<RefreshScanner> logger)
{
    private const int MaxBatchesPerScan = 20;
    private const int Parallelism = 4;

    private readonly RefreshOptions _options = options.Value;

    public async Task<ScanResult> ScanAsync(IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var result = new ScanResult();
        for (var batch = 0; batch < MaxBatchesPerScan; batch++)
        {
            var now = time.GetUtcNow();
            var due = await store.FindDueAsync(now, _options.ScanBatchSize, cancellationToken);
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (connection, ct) =>
                {
                    var outcome = await store.UpdateAsync(connection.ConnectionId, c => Decide(c, now), ct, connection);
                    if (outcome.Written)
                    {
                        result.Count(outcome.Connection!, connection.PendingEvents.Count);
                        await outbox.DispatchAsync(outcome.Connection!, publisher, ct);
                    }
                });

            if (due.Count < _options.ScanBatchSize)
            {
                break;
            }
        }

        if (result.Examined > 0)
        {
            LogScanned(logger, result.Examined, result.Claimed, result.Warned, result.Expired);
        }

        return result;
    }

    /// <summary>The scan's decision for one connection, or null when another writer already handled it.</summary>
    internal Connection? Decide(Connection c, DateTimeOffset now)
    {
        if (c.NextRefreshAt is not { } checkAt || checkAt > now)
        {
            return null;
        }

        if (c.Status != ConnectionStatus.Active)
        {
            return c with { NextRefreshAt = null };
        }

        var version = c.Version + 1;
        if (RefreshSchedule.Deadline(c) is { } deadline && now >= deadline.At && !RefreshSchedule.CanExtend(c, now))
        {
            // Nothing can save it any more: the access token is dead or dies with the refresh token.
            return (c with
            {
                Status = ConnectionStatus.ReauthRequired,
                NextRefreshAt = null,
                Lease = null,
                FailureCount = c.FailureCount + 1,
                LastFailure = new ConnectionFailure(FailureClass.Reauth, null, Describe(deadline.Reason), now),
                ProblemSince = c.ProblemSince ?? now,
            }).WithEvents(ConnectionEvents.ReauthRequired(
                c, version, now, deadline.Reason, null, reconnectLinks.LinkFor(c.ConnectionId, c.TenantId)));
        }

        var next = c;
        var events = new List<IConnectionEvent>(2);
        if (schedule.WarningDue(c, now) is { } warning && RefreshSchedule.Deadline(c) is { } warnFor)
        {
            next = next with { ReauthWarningsSent = warning.SentAfter, WarningDeadline = warnFor.At };
            events.Add(ConnectionEvents.ReauthSoon(
                c, version, now, warnFor.Reason, warnFor.At, warning.DaysBefore, reconnectLinks.LinkFor(c.ConnectionId, c.TenantId)));
        }

        DateTimeOffset? claimedUntil = null;
        if (schedule.RefreshAt(c, now) is { } refreshAt && now >= refreshAt)
        {
            claimedUntil = now + _options.ClaimTimeout;
            events.Add(ConnectionEvents.RefreshDue(c, version, now, c.FailureCount > 0 ? RefreshTriggers.Retry : RefreshTriggers.Scheduled));
        }

        next = next with { NextRefreshAt = schedule.NextCheckAt(next, now, claimedUntil) };
        return next.WithEvents([.. events]);
    }

    private static string Describe(ReauthReason reason) => reason switch
    {
        ReauthReason.RefreshTokenEnding => "The refresh token reached its hard end; the member must log in again",
        ReauthReason.NoRefreshToken => "The access token expired and the application has no programmatic refresh",
        _ => "The grant can no longer be refreshed",
    };

    [LoggerMessage(EventId = 120, Level = LogLevel.Information,
        Message = "Refresh scan examined {Examined} connections: {Claimed} refreshes dispatched, {Warned} warnings, {Expired} need re-authorization")]
    private static partial void LogScanned(ILogger logger, int examined, int claimed, int warned, int expired);
}

/// <summary>What one scan did, for logs, metrics and tests.</summary>
public sealed class ScanResult
{
    private int _examined;
    private int _claimed;
    private int _warned;
    private int _expired;

    public int Examined => _examined;

    public int Claimed => _claimed;

    public int Warned => _warned;

    public int Expired => _expired;

    internal void Count(Connection written, int pendingBefore)
    {
        Interlocked.Increment(ref _examined);
        foreach (var pending in written.PendingEvents.Skip(pendingBefore))
        {
            switch (pending.Kind)
            {
                case nameof(RefreshDue): Interlocked.Increment(ref _claimed); break;
                case nameof(ReauthSoon): Interlocked.Increment(ref _warned); break;
                case nameof(ReauthRequired): Interlocked.Increment(ref _expired); break;
            }
        }
    }
}
