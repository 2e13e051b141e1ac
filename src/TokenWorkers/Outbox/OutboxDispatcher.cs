using MassTransit;
using TokenWorkers.Connections;

namespace TokenWorkers.Outbox;

/// <summary>
/// Publishes a connection's pending events, then removes them with a version-checked write. A crash
/// between the two publishes them again later (same event ids), so nothing is lost, at worst repeated.
/// </summary>
public sealed partial class OutboxDispatcher(IConnectionStore store, ILogger<OutboxDispatcher> logger)
{
    public async Task DispatchAsync(Connection connection, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        if (connection.PendingEvents.Count == 0)
        {
            return;
        }

        var published = new HashSet<Guid>();
        foreach (var pending in connection.PendingEvents)
        {
            var (message, type) = OutboxEvents.FromPending(pending);
            await publisher.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = pending.EventId), cancellationToken);
            published.Add(pending.EventId);
            LogPublished(logger, connection.ConnectionId, pending.Kind, pending.EventId);
        }

        await store.UpdateAsync(connection.ConnectionId, current =>
        {
            var remaining = current.PendingEvents.Where(e => !published.Contains(e.EventId)).ToArray();
            return remaining.Length == current.PendingEvents.Count ? null : current with { PendingEvents = remaining };
        }, cancellationToken);
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Published {Kind} {EventId} for connection {ConnectionId}")]
    private static partial void LogPublished(ILogger logger, string connectionId, string kind, Guid eventId);
}
