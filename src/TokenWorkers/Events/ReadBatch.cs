namespace TokenWorkers.Events;

/// <summary>
/// What a query over many stored aggregates found, in the query's order: those it could read and, in their place, those
/// it could not. A bad row never fails the query for the others. Enumerates the readable ones.
/// </summary>
public sealed class ReadBatch<T> : IReadOnlyList<T>
{
    public ReadBatch(IReadOnlyList<T> items, IReadOnlyList<UnreadableRow>? unreadable = null, string? lastId = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        Items = items;
        Unreadable = unreadable ?? [];
        LastId = lastId;
    }

    /// <summary>The rows that were read.</summary>
    public IReadOnlyList<T> Items { get; }

    /// <summary>The rows that could not be read.</summary>
    public IReadOnlyList<UnreadableRow> Unreadable { get; }

    /// <summary>Rows the query returned, readable or not: what to compare with its limit to know whether more may follow.</summary>
    public int Scanned => Items.Count + Unreadable.Count;

    /// <summary>The id of the last row the query returned, readable or not: where an id-ordered page ends.</summary>
    public string? LastId { get; }

    public int Count => Items.Count;

    public T this[int index] => Items[index];

    public IEnumerator<T> GetEnumerator() => Items.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
