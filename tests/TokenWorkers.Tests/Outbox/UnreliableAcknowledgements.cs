using TokenWorkers.Events;

namespace TokenWorkers.Tests.Outbox;

/// <summary>What goes wrong around a write, as the writer sees it.</summary>
internal enum WriteFault
{
    /// <summary>The write is stored, then the answer is lost: a connection reset after a commit, a failover before the reply.</summary>
    StoredThenThrows,

    /// <summary>
    /// The write is stored, and the answer says it matched nothing: a retried write whose first try had landed, run again
    /// on a server that did not recognise the retry.
    /// </summary>
    StoredButReportedAsConflict,

    /// <summary>The write fails before anything is stored: the writer cannot tell this from <see cref="StoredThenThrows"/>.</summary>
    ThrowsBeforeStoring,
}

/// <summary>
/// A real store whose next matching writes fail in one of the ways of <see cref="WriteFault"/>; everything else goes
/// straight through. <see cref="Faulted"/> counts the faults applied, so a test can show its fault really struck.
/// </summary>
internal sealed class UnreliableAcknowledgements<T>(IAggregateStore<T> inner) : IAggregateStore<T>
    where T : class, IVersionedAggregate<T>
{
    private readonly Lock _gate = new();
    private Func<T, bool>? _match;
    private WriteFault _fault;
    private int _remaining;
    private int _faulted;

    public int Faulted => Volatile.Read(ref _faulted);

    /// <summary>The next <paramref name="times"/> writes for which <paramref name="match"/> holds fail with <paramref name="fault"/>.</summary>
    public void Next(WriteFault fault, Func<T, bool> match, int times = 1)
    {
        lock (_gate)
        {
            _fault = fault;
            _match = match;
            _remaining = times;
        }
    }

    public Task<T?> FindAsync(string id, CancellationToken cancellationToken) => inner.FindAsync(id, cancellationToken);

    public Task<T?> TryInsertAsync(T aggregate, CancellationToken cancellationToken) =>
        WriteAsync(aggregate, () => inner.TryInsertAsync(aggregate, cancellationToken));

    public Task<T?> TryUpdateAsync(T updated, long expectedVersion, CancellationToken cancellationToken) =>
        WriteAsync(updated, () => inner.TryUpdateAsync(updated, expectedVersion, cancellationToken));

    public Task<bool> TryClearPendingEventsAsync(string id, long expectedVersion, CancellationToken cancellationToken) =>
        inner.TryClearPendingEventsAsync(id, expectedVersion, cancellationToken);

    public Task<ReadBatch<T>> FindWithPendingEventsAsync(DateTimeOffset createdAtOrBefore, int limit, CancellationToken cancellationToken) =>
        inner.FindWithPendingEventsAsync(createdAtOrBefore, limit, cancellationToken);

    private async Task<T?> WriteAsync(T aggregate, Func<Task<T?>> write)
    {
        if (Take(aggregate) is not { } fault)
        {
            return await write();
        }

        Interlocked.Increment(ref _faulted);
        switch (fault)
        {
            case WriteFault.ThrowsBeforeStoring:
                throw new IOException("The connection to the store was reset before the write was sent (test fault).");
            case WriteFault.StoredButReportedAsConflict:
                await write();
                return null;
            default:
                await write();
                throw new IOException("The connection to the store was reset after the write was sent (test fault).");
        }
    }

    private WriteFault? Take(T aggregate)
    {
        lock (_gate)
        {
            if (_remaining == 0 || _match is null || !_match(aggregate))
            {
                return null;
            }

            _remaining--;
            return _fault;
        }
    }
}
