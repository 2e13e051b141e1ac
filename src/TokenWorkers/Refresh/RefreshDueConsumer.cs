using MassTransit;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Messaging;

namespace TokenWorkers.Refresh;

/// <summary>
/// Handles <see cref="RefreshDue"/> on any instance. Duplicates are harmless: a connection that is fresh, leased by a
/// live holder, or not active is left alone. Every RefreshDue is a scheduled refresh, whatever its <c>Trigger</c> says:
/// forcing a refresh is an operator action through the admin API, not something any publisher can ask for.
/// </summary>
public sealed class RefreshDueConsumer(ConnectionRefresher refresher) : IConsumer<RefreshDue>
{
    public async Task Consume(ConsumeContext<RefreshDue> context)
    {
        var message = context.Message;
        if (string.IsNullOrWhiteSpace(message.ConnectionId))
        {
            throw new InvalidMessageException("RefreshDue.ConnectionId is required.");
        }

        var (outcome, _) = await refresher.RefreshAsync(message.ConnectionId, AttemptTrigger.Scheduled, context.CancellationToken);
        if (outcome == RefreshOutcome.TransientFailure)
        {
            throw new HeldInStoreException($"Refresh of connection '{message.ConnectionId}' failed transiently; its backoff is stored.");
        }
    }
}
