namespace TokenWorkers.Contracts;

/// <summary>
/// A post cannot go out now and waits in the worker's ledger: for the member to log in again, for LinkedIn's daily limit to
/// reset, or for an operator to fix the worker's configuration. Announced once per hold: a redelivered command, a resumption
/// pass or a re-check that finds the same hold announces nothing; a different hold later (another <see cref="Reason"/> or
/// another <see cref="Until"/>) is announced again. Not an outcome: <see cref="PostPublished"/> or <see cref="PostFailed"/>
/// follows when the post goes out or is refused (or <see cref="PostCancelled"/> if it is cancelled while held).
/// </summary>
public sealed record PostHeld : IPostEvent
{
    /// <inheritdoc />
    public required Guid EventId { get; init; }

    /// <inheritdoc />
    public required string PostId { get; init; }

    /// <inheritdoc />
    public required string ConnectionId { get; init; }

    /// <summary>The connection's tenant.</summary>
    public string? TenantId { get; init; }

    /// <inheritdoc />
    public required long Version { get; init; }

    /// <inheritdoc />
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Why the post is held.</summary>
    public required PostHoldReason Reason { get; init; }

    /// <summary>A sentence for people (never a secret), for example "LinkedIn's daily posting limit for this member is reached".</summary>
    public required string Description { get; init; }

    /// <summary>
    /// When the worker tries again by itself (UTC): for <see cref="PostHoldReason.DailyLimit"/>, when LinkedIn's limit resets
    /// (midnight UTC). Null when it depends on a person: the member logging in again, an operator fixing the configuration.
    /// </summary>
    public DateTimeOffset? Until { get; init; }
}
