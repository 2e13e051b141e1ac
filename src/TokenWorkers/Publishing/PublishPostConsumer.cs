using MassTransit;
using TokenWorkers.Contracts;
using TokenWorkers.Messaging;
using TokenWorkers.Posts;

namespace TokenWorkers.Publishing;

/// <summary>
/// Handles <see cref="PublishPost"/> on any instance. Redeliveries and resends are harmless: the ledger entry of the
/// PostId decides what, if anything, is still to be done.
/// </summary>
public sealed class PublishPostConsumer(PostPublisher publisher) : IConsumer<PublishPost>
{
    public async Task Consume(ConsumeContext<PublishPost> context)
    {
        var outcome = await publisher.PublishAsync(context.Message, context.CancellationToken);
        if (outcome == PublishOutcome.RetryLater)
        {
            throw new HeldInStoreException($"Post '{context.Message.PostId}' failed transiently; its next dispatch is stored.");
        }
    }
}
