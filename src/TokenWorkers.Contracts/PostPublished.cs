namespace TokenWorkers.Contracts;

/// <summary>
/// The post is on LinkedIn. Emitted once when it is published and again (same <see cref="EventId"/>)
/// whenever the same <see cref="PostId"/> is sent again.
/// </summary>
public sealed record PostPublished : IPostEvent
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

    /// <summary>LinkedIn's id of the post, for example <c>urn:li:share:7141138937766391808</c>.</summary>
    public required string Urn { get; init; }

    /// <summary>Where people see the post: <c>https://www.linkedin.com/feed/update/{urn}</c>.</summary>
    public required Uri Url { get; init; }
}
