using TokenWorkers.Connections;
using TokenWorkers.Events;

namespace TokenWorkers.Admin;

/// <summary>One row of the status table: a connection, or a row the store could not read.</summary>
public sealed record StatusRow(string Id, Connection? Connection, UnreadableRow? Unreadable);

/// <summary>
/// The rows of one status page, in id order, and where the pages next to it start (null when there is none).
/// <paramref name="Scanned"/> counts the rows read to fill it, which a health filter makes more than the rows shown.
/// </summary>
public sealed record StatusRows(IReadOnlyList<StatusRow> Rows, string? NextAfter, string? PreviousBefore, int Scanned, bool ScanBudgetSpent)
{
    public IEnumerable<UnreadableRow> UnreadableRows => Rows.Select(r => r.Unreadable).OfType<UnreadableRow>();
}

/// <summary>
/// Reads one page of the status table. The store filters by tenant and stored status and pages by id; health depends on the
/// time as well, so the page narrows further itself, reading store pages until it has <c>size</c> rows, the fleet ends, or
/// <see cref="ScanBudget"/> store pages were read (then the page is shorter and its next link goes on from where it stopped).
/// At most <c>size</c> rows are held at a time per store page: a fleet of any size is never read whole.
/// </summary>
public static class StatusPager
{
    /// <summary>Store pages read at most for one status page: a rare health in a large fleet costs a few clicks, not a long wait.</summary>
    public const int ScanBudget = 10;

    public static async Task<StatusRows> ReadAsync(IConnectionStore store, StatusFilter filter, int size, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var backwards = filter.Before is not null;
        var cursor = backwards ? filter.Before : filter.After;
        var rows = new List<StatusRow>(Math.Min(size, 1024));
        var scanned = 0;
        var more = true;
        var reads = 0;
        while (rows.Count < size && more && reads < ScanBudget)
        {
            var batch = await store.ListAsync(
                new ConnectionListQuery
                {
                    // One more than the page holds: whether a row follows the page is then known without another read.
                    Limit = size + 1,
                    TenantId = filter.TenantId,
                    App = filter.App,
                    Statuses = filter.Statuses,
                    After = backwards ? null : cursor,
                    Before = backwards ? cursor : null,
                },
                cancellationToken);
            reads++;
            scanned += batch.Scanned;
            var inOrder = Merge(batch, backwards);
            more = batch.Scanned > size;
            for (var i = 0; i < inOrder.Count; i++)
            {
                var row = inOrder[i];
                cursor = row.Id;
                if (filter.Matches(row.Connection, now))
                {
                    rows.Add(row);
                    if (rows.Count == size)
                    {
                        // Rows left in this batch, or a full batch, mean there may be more beyond this one.
                        more = more || i < inOrder.Count - 1;
                        break;
                    }
                }
            }
        }

        var budgetSpent = more && rows.Count < size;
        if (backwards)
        {
            rows.Reverse();
            return new StatusRows(rows, rows.Count > 0 ? rows[^1].Id : null, more ? cursor : null, scanned, budgetSpent);
        }

        var previous = filter.After is null ? null : rows.Count > 0 ? rows[0].Id : filter.After;
        return new StatusRows(rows, more ? cursor : null, previous, scanned, budgetSpent);
    }

    /// <summary>Both lists come in the store's order; merged, every row keeps its place.</summary>
    private static List<StatusRow> Merge(ReadBatch<Connection> batch, bool backwards)
    {
        var rows = batch.Items.Select(c => new StatusRow(c.ConnectionId, c, null))
            .Concat(batch.Unreadable.Select(u => new StatusRow(u.Id, null, u)));
        return backwards
            ? [.. rows.OrderByDescending(r => r.Id, StringComparer.Ordinal)]
            : [.. rows.OrderBy(r => r.Id, StringComparer.Ordinal)];
    }
}
