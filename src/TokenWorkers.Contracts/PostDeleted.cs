namespace TokenWorkers.Contracts;

/// <summary>
/// The post is no longer on LinkedIn: deleted there by <see cref="DeletePost"/>. Emitted once, and again (same
/// <see cref="EventId"/>) whenever the same post's deletion is asked for again. Not an <see cref="IPostEvent"/>: a post
/// deleted by URN has no <see cref="PostId"/>, so subscribe to this type itself.
/// </summary>
public sealed record PostDeleted
{
    /// <summary>
    /// Deterministic for the deleted post (its PostId when it has one, otherwise its URN): a re-emitted deletion keeps its
    /// id, so a subscriber drops duplicates by remembering ids. Also used as the message id.
    /// </summary>
    public required Guid EventId { get; init; }

    /// <summary>The sender's <see cref="PublishPost.PostId"/> when the worker published the post; null for a post deleted by URN.</summary>
    public string? PostId { get; init; }

    /// <summary>LinkedIn's URN of the deleted post (<c>urn:li:share:…</c> or <c>urn:li:ugcPost:…</c>).</summary>
    public required string Urn { get; init; }

    /// <summary>The connection whose member authored the post; its token made the call.</summary>
    public required string ConnectionId { get; init; }

    /// <summary>The connection's tenant.</summary>
    public string? TenantId { get; init; }

    /// <summary>
    /// The post's version in the worker's posting ledger after the deletion (it only grows); 0 for a post deleted by URN,
    /// which has no ledger entry.
    /// </summary>
    public required long Version { get; init; }

    /// <summary>When the deletion was recorded (UTC).</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}
