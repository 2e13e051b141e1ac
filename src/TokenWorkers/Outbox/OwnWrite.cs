using TokenWorkers.Events;

namespace TokenWorkers.Outbox;

/// <summary>
/// A write <see cref="AggregateWriter{T}"/> tried: the aggregate it stores (with a write id of its own), the version it was
/// decided on (null for an insert), and the notices to send once it is known to be stored.
/// </summary>
internal sealed record OwnWrite<T>(T Next, long? ExpectedVersion, IReadOnlyList<object> Notices)
    where T : class, IVersionedAggregate<T>
{
    /// <summary>
    /// Whether <paramref name="found"/> is this write: the version it makes and its write id. A later write by someone else
    /// replaces the id, and the writer then decides again on what it finds, as after any conflict.
    /// </summary>
    public bool IsStoredIn(T? found) =>
        found is not null && found.Version == (ExpectedVersion ?? 0) + 1 && found.WriteId is { } id && id == Next.WriteId;

    /// <summary>Whether this write can still be stored: the document is still as it was when the write was decided.</summary>
    public bool CanStillApplyTo(T? found) => ExpectedVersion is { } expected ? found?.Version == expected : found is null;
}
