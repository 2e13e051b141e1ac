namespace TokenWorkers.Contracts;

/// <summary>
/// The post was cancelled (<see cref="CancelPost"/>, or an operator through the admin API) before it went out: nothing was
/// or will be sent to LinkedIn for it. An outcome, like <see cref="PostPublished"/> and <see cref="PostFailed"/>: emitted
/// once, and again (same <see cref="EventId"/>) whenever the same <see cref="PostId"/> is sent again.
/// </summary>
public sealed record PostCancelled : IPostEvent
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

    /// <summary>Who cancelled it and why, as given (never a secret); null when no reason was given.</summary>
    public string? Reason { get; init; }
}
