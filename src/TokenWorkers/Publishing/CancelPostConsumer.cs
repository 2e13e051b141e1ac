using MassTransit;
using TokenWorkers.Contracts;
using TokenWorkers.Messaging;

namespace TokenWorkers.Publishing;

/// <summary>Handles <see cref="CancelPost"/>: cancels the post if nothing has been sent for it; a redelivery changes nothing.</summary>
public sealed class CancelPostConsumer(PostCanceller canceller) : IConsumer<CancelPost>
{
    public async Task Consume(ConsumeContext<CancelPost> context)
    {
        if (string.IsNullOrWhiteSpace(context.Message.PostId))
        {
            throw new InvalidMessageException("CancelPost.PostId is required.");
        }

        await canceller.CancelAsync(context.Message.PostId, context.Message.TenantId, context.Message.Reason, context.CancellationToken);
    }
}
