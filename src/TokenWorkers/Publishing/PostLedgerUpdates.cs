using TokenWorkers.Connections;

namespace TokenWorkers.Publishing;

/// <summary>The one way to change a ledger entry: read, decide, write on the version read; on a conflict, read and decide again.</summary>
public static class PostLedgerUpdates
{
    private const int MaxAttempts = 16;

    /// <summary>
    /// Applies <paramref name="decide"/> to the latest stored entry until a write wins. <paramref name="decide"/>
    /// returns the entry to store, or null when nothing should change (then the stored entry comes back with Written false).
    /// </summary>
    public static async Task<(PostEntry? Entry, bool Written)> UpdateAsync(
        this IPostLedger ledger, string postId, Func<PostEntry, PostEntry?> decide, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = await ledger.FindAsync(postId, cancellationToken);
            if (current is null)
            {
                return (null, false);
            }

            var updated = decide(current);
            if (updated is null)
            {
                return (current, false);
            }

            if (await ledger.TryUpdateAsync(updated, current.Version, cancellationToken) is { } stored)
            {
                return (stored, true);
            }
        }

        throw new ConcurrencyException($"Post '{postId}' kept changing under {MaxAttempts} consecutive writes; giving up this attempt.");
    }
}
