namespace TokenWorkers.Connections;

/// <summary>
/// The connection store port. Adapters (SQLite embedded, MongoDB) must give the same answers to the
/// same calls; one conformance suite checks that.
/// Concurrency model: optimistic. Every write names the version it was decided on and succeeds only
/// if the stored version still equals it; the stored version then becomes that version plus one.
/// A failed write (null) means someone else won: reload and decide again, never overwrite.
/// Tokens are encrypted by the adapter before they leave the process and decrypted on read.
/// </summary>
public interface IConnectionStore
{
    /// <summary>Creates tables, collections and indexes if missing. Idempotent; called at start-up.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<Connection?> FindAsync(string connectionId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new connection with version 1 (whatever <see cref="Connection.Version"/> says).
    /// Returns the stored connection, or null when the id already exists (nothing is changed then).
    /// </summary>
    Task<Connection?> TryInsertAsync(Connection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the connection with <paramref name="updated"/> if its stored version is still
    /// <paramref name="expectedVersion"/>; the state, the lease and the outbox change in this one write.
    /// Returns the stored connection (version <paramref name="expectedVersion"/> + 1), or null on a
    /// version conflict or when the connection does not exist.
    /// </summary>
    Task<Connection?> TryUpdateAsync(Connection updated, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Connections whose <see cref="Connection.NextRefreshAt"/> is at or before <paramref name="now"/>,
    /// earliest first (ties by id), at most <paramref name="limit"/>. Served by an index on NextRefreshAt.
    /// A limit below 1 throws <see cref="ArgumentOutOfRangeException"/> (MongoDB would read 0 as "no limit").
    /// </summary>
    Task<IReadOnlyList<Connection>> FindDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Connections holding at least one pending event created at or before <paramref name="createdAtOrBefore"/>,
    /// oldest event first, at most <paramref name="limit"/>. The outbox sweeper uses it after a crash.
    /// </summary>
    Task<IReadOnlyList<Connection>> FindWithPendingEventsAsync(
        DateTimeOffset createdAtOrBefore, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Pages through all connections ordered by id (by the UTF-8 bytes of the id, as SQLite and MongoDB
    /// compare them), starting after <paramref name="afterConnectionId"/>.
    /// </summary>
    Task<IReadOnlyList<Connection>> ListAsync(string? afterConnectionId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Counts connections per status and finds the earliest access-token expiry and refresh-token hard end among
    /// active connections. Reads the whole collection: for dashboards and gauges, cached by callers, never per message.
    /// </summary>
    Task<FleetSummary> SummarizeAsync(CancellationToken cancellationToken);
}
