namespace TokenWorkers.Publishing;

/// <summary>
/// The posting ledger port: one entry per PostId, the only thing that stands between a redelivered
/// command and a duplicate post. Adapters (SQLite, MongoDB) give the same answers; one conformance suite
/// checks that. Concurrency model as <see cref="Connections.IConnectionStore"/>: every write names the
/// version it was decided on, succeeds only if the stored version still equals it, and stores that version plus one.
/// </summary>
public interface IPostLedger
{
    /// <summary>Creates the table or collection and its indexes if missing. Idempotent; called at start-up.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<PostEntry?> FindAsync(string postId, CancellationToken cancellationToken);

    /// <summary>Stores a new entry with version 1. Returns it, or null when the PostId already exists (nothing changes then).</summary>
    Task<PostEntry?> TryInsertAsync(PostEntry entry, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the entry if its stored version is still <paramref name="expectedVersion"/>. Returns the stored
    /// entry (version <paramref name="expectedVersion"/> + 1), or null on a conflict or when it does not exist.
    /// </summary>
    Task<PostEntry?> TryUpdateAsync(PostEntry updated, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>Entries whose <see cref="PostEntry.NotBefore"/> is at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<PostEntry>> FindDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Entries in <see cref="PostState.AwaitingReauth"/>, ordered by PostId, after <paramref name="afterPostId"/>.</summary>
    Task<IReadOnlyList<PostEntry>> FindAwaitingReauthAsync(string? afterPostId, int limit, CancellationToken cancellationToken);
}
