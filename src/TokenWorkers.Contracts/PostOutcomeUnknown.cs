namespace TokenWorkers.Contracts;

/// <summary>
/// A call to create the post was sent and its answer lost (a timeout, a dropped connection, a 5xx), and it could not be
/// settled safely in time: LinkedIn may or may not have posted it, and sending it again now could post it twice. The worker
/// stops here; an operator resolves it through the admin API (published with a URN, not published and to retry, or
/// abandoned), which announces <see cref="PostPublished"/> or <see cref="PostFailed"/>. Emitted once, and again (same
/// <see cref="EventId"/>) whenever the same <see cref="PostId"/> is sent again.
/// </summary>
public sealed record PostOutcomeUnknown : IPostEvent
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

    /// <summary>When the first call whose answer was lost was sent: look for a post on the member's profile from then on.</summary>
    public required DateTimeOffset FirstUncertainAt { get; init; }

    /// <summary>A sentence for people (never a secret): what happened and why the worker stopped.</summary>
    public required string Reason { get; init; }
}
