namespace TokenWorkers.Contracts;

/// <summary>
/// The post was not published and the worker will not try again by itself. Emitted once when the
/// decision is made and again (same <see cref="EventId"/>) whenever the same <see cref="PostId"/> is sent again.
/// </summary>
public sealed record PostFailed : IPostEvent
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

    /// <summary>
    /// Why: <see cref="Contracts.FailureClass.Invalid"/> for a command the worker or LinkedIn refuses as it is,
    /// <see cref="Contracts.FailureClass.Permission"/> when the connection lacks the right to post.
    /// </summary>
    public required FailureClass FailureClass { get; init; }

    /// <summary>A sentence for people (never a secret), for example "Text is longer than 3,000 characters (3,012)".</summary>
    public required string Reason { get; init; }

    /// <summary>
    /// Whether sending the command again (with a new <see cref="PostId"/>) could succeed once the cause is fixed
    /// elsewhere (a permission granted); false when the content itself is refused.
    /// </summary>
    public required bool CanResend { get; init; }
}
