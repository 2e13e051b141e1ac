using MassTransit;
using TokenWorkers.Contracts;

namespace TokenWorkers.Publishing;

/// <summary>Handles <see cref="DeletePost"/>: deletes the post at LinkedIn and announces PostDeleted; a repeat changes nothing.</summary>
public sealed class DeletePostConsumer(PostDeleter deleter) : IConsumer<DeletePost>
{
    public Task Consume(ConsumeContext<DeletePost> context) => deleter.DeleteAsync(context.Message, context.CancellationToken);
}
