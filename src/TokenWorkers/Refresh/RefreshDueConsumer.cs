using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Contracts;
using TokenWorkers.Outbox;

namespace TokenWorkers.Refresh;

/// <summary>
/// Handles <see cref="RefreshDue"/> on any instance. Duplicates are harmless: a connection that is fresh,
/// leased by a live holder, or not active is left alone.
/// </summary>
public sealed class RefreshDueConsumer(
    ConnectionRefresher refresher,
    OutboxDispatcher outbox,
    IOptions<RefreshOptions> options) : IConsumer<RefreshDue>
{
    private readonly int _quickRetries = options.Value.QuickRetryCount;

    public async Task Consume(ConsumeContext<RefreshDue> context)
    {
        var message = context.Message;
        if (string.IsNullOrWhiteSpace(message.ConnectionId))
        {
            throw new InvalidMessageException("RefreshDue.ConnectionId is required.");
        }

        var force = string.Equals(message.Trigger, RefreshTriggers.Forced, StringComparison.Ordinal);
        var (outcome, connection) = await refresher.RefreshAsync(message.ConnectionId, force, message.EventId, context.CancellationToken);

        if (connection is not null)
        {
            await outbox.DispatchAsync(connection, context, context.CancellationToken);
        }

        // The store already holds the backoff; rethrowing lets MassTransit's quick retries try again first.
        // On the last quick attempt the consumer completes and the scan picks the connection up when its backoff ends.
        if (outcome == RefreshOutcome.TransientFailure && context.GetRetryAttempt() < _quickRetries)
        {
            throw new TransientRefreshException($"Refresh of connection '{message.ConnectionId}' failed transiently; retrying.");
        }
    }
}

/// <summary>A refresh failed transiently; thrown only to trigger a quick in-process retry.</summary>
public sealed class TransientRefreshException : Exception
{
    public TransientRefreshException()
    {
    }

    public TransientRefreshException(string message)
        : base(message)
    {
    }

    public TransientRefreshException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A message is structurally invalid: retrying cannot help, it goes to the error queue with this reason.</summary>
public sealed class InvalidMessageException : Exception
{
    public InvalidMessageException()
    {
    }

    public InvalidMessageException(string message)
        : base(message)
    {
    }

    public InvalidMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
