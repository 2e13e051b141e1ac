using MassTransit;
using TokenWorkers.Contracts;

namespace TokenWorkers.Publishing;

/// <summary>Handles <see cref="DeletePost"/>: deletes the post at LinkedIn and announces PostDeleted; a repeat changes nothing.</summary>
public sealed class DeletePostConsumer(PostDeleter deleter) : IConsumer<DeletePost>
{
    /// <summary>The queue the command is sent to: the consumer's conventional (kebab-case) endpoint.</summary>
    public static Uri Queue { get; } = new($"queue:{KebabCaseEndpointNameFormatter.Instance.Consumer<DeletePostConsumer>()}");

    public Task Consume(ConsumeContext<DeletePost> context) => deleter.DeleteAsync(context.Message, context.CancellationToken);
}
