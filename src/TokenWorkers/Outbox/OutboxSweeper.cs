using MassTransit;
using TokenWorkers.Connections;

namespace TokenWorkers.Outbox;

/// <summary>
/// Finds events that were written but not published (the process died between the two) and publishes them.
/// Only events older than a grace period are swept, so it does not race the normal, immediate dispatch.
/// </summary>
public sealed partial class OutboxSweeper(
    IConnectionStore store,
    OutboxDispatcher dispatcher,
    TimeProvider time,
    ILogger<OutboxSweeper> logger)
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    public async Task<int> SweepAsync(IPublishEndpoint publisher, CancellationToken cancellationToken, int batchSize = 500)
    {
        var stale = await store.FindWithPendingEventsAsync(time.GetUtcNow() - Grace, batchSize, cancellationToken);
        foreach (var connection in stale)
        {
            await dispatcher.DispatchAsync(connection, publisher, cancellationToken);
        }

        if (stale.Count > 0)
        {
            LogSwept(logger, stale.Count);
        }

        return stale.Count;
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Outbox sweep published the pending events of {Count} connections")]
    private static partial void LogSwept(ILogger logger, int count);
}
