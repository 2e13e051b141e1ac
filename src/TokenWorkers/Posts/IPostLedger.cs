using TokenWorkers.Events;

namespace TokenWorkers.Posts;

/// <summary>
/// The posting ledger port: one entry per PostId, the only thing that stands between a redelivered
/// command and a duplicate post. Adapters (SQLite, MongoDB) give the same answers; one conformance suite
/// checks that. Concurrency model as <see cref="Events.IAggregateStore{T}"/>: every write names the
/// version it was decided on, succeeds only if the stored version still equals it, and stores that version plus one.
/// </summary>
public interface IPostLedger : IAggregateStore<PostEntry>
{
    /// <summary>Creates the table or collection and its indexes if missing. Idempotent; called at start-up.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Entries whose <see cref="PostEntry.NotBefore"/> is at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<PostEntry>> FindDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Entries in <see cref="PostState.AwaitingReauth"/>, ordered by PostId, after <paramref name="afterPostId"/>.</summary>
    Task<IReadOnlyList<PostEntry>> FindAwaitingReauthAsync(string? afterPostId, int limit, CancellationToken cancellationToken);
}
