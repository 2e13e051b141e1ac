using TokenWorkers.Events;

namespace TokenWorkers.Connections;

/// <summary>
/// The connection store port. Adapters (SQLite embedded, MongoDB) must give the same answers to the
/// same calls; one conformance suite checks that.
/// Concurrency model: optimistic. Every write names the version it was decided on and succeeds only
/// if the stored version still equals it; the stored version then becomes that version plus one.
/// A failed write (null) means someone else won: reload and decide again, never overwrite.
/// Tokens are encrypted by the adapter before they leave the process and decrypted on read.
/// </summary>
public interface IConnectionStore : IAggregateStore<Connection>
{
    /// <summary>Creates tables, collections and indexes if missing. Idempotent; called at start-up.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Connections whose <see cref="Connection.NextRefreshAt"/> is at or before <paramref name="now"/>,
    /// earliest first (ties by id), at most <paramref name="limit"/>. Served by an index on NextRefreshAt.
    /// A limit below 1 throws <see cref="ArgumentOutOfRangeException"/> (MongoDB would read 0 as "no limit").
    /// </summary>
    Task<IReadOnlyList<Connection>> FindDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

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
