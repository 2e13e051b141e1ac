using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Contracts;

namespace TokenWorkers.Publishing;

/// <summary>
/// Handles <see cref="PublishPost"/> on any instance. Redeliveries and resends are harmless: the ledger
/// entry of the PostId decides what, if anything, is still to be done.
/// </summary>
public sealed class PublishPostConsumer(PostPublisher publisher, IOptions<PublishingOptions> options) : IConsumer<PublishPost>
{
    private readonly int _quickRetries = options.Value.QuickRetryCount;

    public async Task Consume(ConsumeContext<PublishPost> context)
    {
        var outcome = await publisher.PublishAsync(context.Message, context, context.CancellationToken);

        // The ledger already holds the state and the next dispatch time; rethrowing lets the quick retries try first.
        // On the last quick attempt the consumer completes and the resumption scan picks the post up later.
        if (outcome == PublishOutcome.RetryLater && context.GetRetryAttempt() < _quickRetries)
        {
            throw new TransientPublishException($"Post '{context.Message.PostId}' failed transiently; retrying.");
        }
    }
}

/// <summary>A post failed transiently (or its outcome is unknown); thrown only to trigger a quick in-process retry.</summary>
public sealed class TransientPublishException : Exception
{
    public TransientPublishException()
    {
    }

    public TransientPublishException(string message)
        : base(message)
    {
    }

    public TransientPublishException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
