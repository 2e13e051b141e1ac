namespace TokenWorkers.Contracts;

/// <summary>What every posting event carries, so that subscribers can order and de-duplicate them.</summary>
public interface IPostEvent
{
    /// <summary>
    /// Deterministic for (post, version, kind): a re-emitted outcome keeps its id, so a subscriber drops
    /// duplicates by remembering ids. Also used as the message id.
    /// </summary>
    Guid EventId { get; }

    /// <summary>The sender's <see cref="PublishPost.PostId"/>.</summary>
    string PostId { get; }

    /// <summary>The connection the post was for.</summary>
    string ConnectionId { get; }

    /// <summary>The post's version in the worker's posting ledger after the decision; it only grows.</summary>
    long Version { get; }

    /// <summary>When the outcome was reached (UTC).</summary>
    DateTimeOffset OccurredAt { get; }
}
