using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Outbox;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Refresh;

/// <summary>
/// Finds connections whose next check is due and has the writer store, per connection, the scan's transition
/// (<see cref="ConnectionTransitions.Scan"/>): claim it and announce <see cref="RefreshDue"/>, warn with
/// <see cref="ReauthSoon"/>, or declare it dead with <see cref="ReauthRequired"/>. A connection that cannot be read is
/// reported (and so flagged, which keeps it out of the next scans' batches) and every other one goes on.
/// </summary>
public sealed partial class RefreshScanner(
    IConnectionStore store,
    AggregateWriter<Connection> writer,
    RefreshSchedule schedule,
    IReconnectLinks reconnectLinks,
    UnreadableConnections unreadable,
    TimeProvider time,
    IOptions<RefreshOptions> options,
    ILogger<RefreshScanner> logger)
{
    private const int MaxBatchesPerScan = 20;
    private const int Parallelism = 4;

    private readonly RefreshOptions _options = options.Value;

    public async Task<ScanResult> ScanAsync(CancellationToken cancellationToken)
    {
        var result = new ScanResult();
        for (var batch = 0; batch < MaxBatchesPerScan; batch++)
        {
            var due = await store.FindDueAsync(time.GetUtcNow(), _options.ScanBatchSize, cancellationToken);
            await unreadable.ReportAsync(due.Unreadable, cancellationToken);
            await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (connection, ct) =>
                {
                    Events.Change<Connection>? decided = null;
                    var link = reconnectLinks.LinkFor(connection.ConnectionId, connection.TenantId);
                    var outcome = await writer.UpdateAsync(
                        connection.ConnectionId,
                        (c, now) => decided = ConnectionTransitions.Scan(c, now, schedule, _options.ClaimTimeout, link),
                        ct,
                        connection);
                    if (outcome.Changed)
                    {
                        result.Count(decided!);
                    }
                });

            if (due.Scanned < _options.ScanBatchSize)
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

    internal void Count(Events.Change<Connection> written)
    {
        Interlocked.Increment(ref _examined);
        foreach (var message in written.Events.Concat(written.Notices))
        {
            switch (message)
            {
                case RefreshDue: Interlocked.Increment(ref _claimed); break;
                case ReauthSoon: Interlocked.Increment(ref _warned); break;
                case ReauthRequired: Interlocked.Increment(ref _expired); break;
            }
        }
    }
}
