namespace TokenWorkers.Events;

/// <summary>
/// A document changed only by version-checked writes, carrying its own outbox. Connections and post entries are such
/// aggregates; <c>AggregateWriter</c> persists their changes and publishes their events.
/// </summary>
public interface IVersionedAggregate<out T>
    where T : IVersionedAggregate<T>
{
    /// <summary>The aggregate's key in its store.</summary>
    string Id { get; }

    /// <summary>Incremented by every write; every write is conditional on it.</summary>
    long Version { get; }

    /// <summary>Events decided with a state change and not yet confirmed as published.</summary>
    IReadOnlyList<PendingEvent> PendingEvents { get; }

    /// <summary>
    /// The id the writer gave the write that stored this version, new for every write; null for versions stored by
    /// anything else. A writer whose acknowledgement was lost re-reads and finds its own write by it: version and
    /// write id both match what it tried to store.
    /// </summary>
    Guid? WriteId { get; }

    T WithPendingEvents(IReadOnlyList<PendingEvent> events);

    T WithWriteId(Guid writeId);
}

/// <summary>
/// What the writer needs of a store. Every write names the version it was decided on and succeeds only if the stored
/// version still equals it; a state change then stores that version plus one.
/// </summary>
public interface IAggregateStore<T>
    where T : class, IVersionedAggregate<T>
{
    /// <exception cref="UnreadableRowException">The aggregate is stored but cannot be read (see <see cref="UnreadableReason"/>).</exception>
    Task<T?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Stores a new aggregate with version 1; null when the id already exists (nothing changes then).</summary>
    Task<T?> TryInsertAsync(T aggregate, CancellationToken cancellationToken);

    /// <summary>Replaces the aggregate if its stored version is still <paramref name="expectedVersion"/>; null on a conflict.</summary>
    Task<T?> TryUpdateAsync(T updated, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Empties the outbox of <paramref name="id"/> if its stored version is still <paramref name="expectedVersion"/>, in one
    /// statement (no read of the document). The version stays: the state did not change, events keep matching the version
    /// that decided them, and a finished post keeps the version its outcome was announced with. A writer that read the
    /// document before the removal still writes (same version) and publishes those events again, with the same ids:
    /// at worst a duplicate, never a loss. False on a conflict (someone wrote meanwhile and publishes them itself).
    /// </summary>
    Task<bool> TryClearPendingEventsAsync(string id, long expectedVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Aggregates holding at least one pending event created at or before <paramref name="createdAtOrBefore"/>,
    /// oldest event first, at most <paramref name="limit"/>. The sweep uses it after a crash. A row that cannot be read is
    /// returned among <see cref="ReadBatch{T}.Unreadable"/>; one flagged less than <see cref="UnreadableRow.RecheckAfter"/>
    /// before <paramref name="createdAtOrBefore"/> is left out, so the sweep does not read it again every time.
    /// </summary>
    Task<ReadBatch<T>> FindWithPendingEventsAsync(DateTimeOffset createdAtOrBefore, int limit, CancellationToken cancellationToken);
}
