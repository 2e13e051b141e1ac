namespace TokenWorkers.Contracts;

/// <summary>
/// A <see cref="PublishPost"/> with a <see cref="PublishPost.PublishAt"/> in the future is held until then. Announced once
/// when the post is recorded; its outcome follows at the time (<see cref="PostPublished"/>, <see cref="PostFailed"/>), or
/// <see cref="PostCancelled"/> if it is cancelled first. Not an outcome.
/// </summary>
public sealed record PostScheduled : IPostEvent
{
    /// <inheritdoc />
    public required Guid EventId { get; init; }

    /// <inheritdoc />
    public required string PostId { get; init; }

    /// <inheritdoc />
    public required string ConnectionId { get; init; }

    /// <inheritdoc />
    public required long Version { get; init; }

    /// <inheritdoc />
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>When the post is due to go out (UTC).</summary>
    public required DateTimeOffset PublishAt { get; init; }
}
