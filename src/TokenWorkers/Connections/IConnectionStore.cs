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
    /// A row that cannot be read comes back among <see cref="ReadBatch{T}.Unreadable"/> instead of failing the batch;
    /// one flagged (<see cref="TryFlagUnreadableAsync"/>) less than <see cref="UnreadableRow.RecheckAfter"/> before
    /// <paramref name="now"/> is left out, so a bad row that sorts first is not read again by every scan.
    /// </summary>
    Task<ReadBatch<Connection>> FindDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Pages through all connections ordered by id (by the UTF-8 bytes of the id, as SQLite and MongoDB
    /// compare them), starting after <paramref name="afterConnectionId"/>. Rows that cannot be read, flagged or not,
    /// come back among <see cref="ReadBatch{T}.Unreadable"/>; the next page starts after <see cref="ReadBatch{T}.LastId"/>.
    /// </summary>
    Task<ReadBatch<Connection>> ListAsync(string? afterConnectionId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// A page of the connections matching <paramref name="query"/> (tenant, app, statuses), by id as <see cref="ListAsync(string?, int, CancellationToken)"/>
    /// orders them, forwards after <see cref="ConnectionListQuery.After"/> or backwards before <see cref="ConnectionListQuery.Before"/>.
    /// Rows that cannot be read but match the filter come back among <see cref="ReadBatch{T}.Unreadable"/>.
    /// </summary>
    Task<ReadBatch<Connection>> ListAsync(ConnectionListQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The access-token expiries and refresh-token hard ends of active connections (of the tenant and app
    /// <paramref name="scope"/> names, if any) at or after <paramref name="from"/> and before <paramref name="until"/>.
    /// Served by the expiry indexes; decrypts nothing, so an unreadable token does not hide its row's dates.
    /// </summary>
    Task<FleetDeadlines> ListDeadlinesAsync(DateTimeOffset from, DateTimeOffset until, FleetScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// The timeline entries (<see cref="Connection.Attempts"/>) of every connection (of the tenant and app <paramref name="scope"/>
    /// names, if any) made at or after <paramref name="since"/>, in no particular order. Each connection keeps only its newest
    /// <see cref="RefreshAttempt.Kept"/> entries, so this is all that is left of that period, not more. Reads every row's
    /// document (no token is decrypted): for the status page, never per message.
    /// </summary>
    Task<IReadOnlyList<RefreshAttempt>> ListAttemptsSinceAsync(DateTimeOffset since, FleetScope scope, CancellationToken cancellationToken);

    /// <summary>
    /// Records in the store that <paramref name="row"/> cannot be read, if its stored version is still the one it was read
    /// at: the due and outbox queries then leave it out for <see cref="UnreadableRow.RecheckAfter"/> after
    /// <paramref name="at"/>, and every instance's summary counts it. The version does not change (nothing about the
    /// connection did), and the next write of the connection clears the flag. False on a conflict.
    /// </summary>
    Task<bool> TryFlagUnreadableAsync(UnreadableRow row, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// Connections holding a token under another key than the active one, or flagged unreadable, ordered by id after
    /// <paramref name="afterConnectionId"/>: what the re-encryption sweep rewrites (or reports) so an old key can go.
    /// Reads every row: for that sweep, never per message.
    /// </summary>
    Task<ReadBatch<Connection>> FindNotUnderActiveKeyAsync(string? afterConnectionId, int limit, CancellationToken cancellationToken);

    /// <summary>How many connections hold a token under each key id, and which key is active. Reads every row: cached by callers.</summary>
    Task<KeyUsage> CountByKeyIdAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Counts connections per status and those flagged unreadable, and finds the earliest access-token expiry and
    /// refresh-token hard end among active connections. Reads the whole collection: for dashboards and gauges, cached by callers, never per message.
    /// </summary>
    Task<FleetSummary> SummarizeAsync(CancellationToken cancellationToken);
}
