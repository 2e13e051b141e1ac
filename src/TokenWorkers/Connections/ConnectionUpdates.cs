namespace TokenWorkers.Connections;

/// <summary>
/// The one way to change a connection: read it, decide, write conditionally on the version read; when
/// someone else wrote first, read again and decide again. Never an unconditional overwrite.
/// </summary>
public static class ConnectionUpdates
{
    private const int MaxAttempts = 16;

    /// <summary>
    /// Applies <paramref name="decide"/> to the latest stored connection until a write wins.
    /// <paramref name="decide"/> returns the connection to store, or null when nothing should change
    /// (then the latest stored connection is returned with <c>Written</c> false).
    /// </summary>
    public static async Task<UpdateOutcome> UpdateAsync(
        this IConnectionStore store,
        string connectionId,
        Func<Connection, Connection?> decide,
        CancellationToken cancellationToken,
        Connection? alreadyRead = null)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            // A caller that just read the connection saves the first read; a conflict always re-reads.
            var current = attempt == 1 && alreadyRead is not null
                ? alreadyRead
                : await store.FindAsync(connectionId, cancellationToken);
            if (current is null)
            {
                return UpdateOutcome.Missing;
            }

            var updated = decide(current);
            if (updated is null)
            {
                return new UpdateOutcome(current, Written: false);
            }

            var stored = await store.TryUpdateAsync(updated, current.Version, cancellationToken);
            if (stored is not null)
            {
                return new UpdateOutcome(stored, Written: true);
            }
        }

        throw new ConcurrencyException(
            $"Connection '{connectionId}' kept changing under {MaxAttempts} consecutive writes; giving up this attempt.");
    }

    /// <summary>
    /// Gives back <paramref name="holder"/>'s lease (after a cancelled or failed call) so another instance need not wait for
    /// it to expire. Best effort within 5 seconds: a lease left behind expires by itself and corrupts nothing.
    /// </summary>
    public static async Task ReleaseLeaseAsync(this IConnectionStore store, string connectionId, string holder)
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await store.UpdateAsync(connectionId, c => c.Lease?.Holder == holder ? c with { Lease = null } : null, bounded.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConcurrencyException)
        {
            // The lease expires by itself.
        }
    }
}

/// <summary>The result of <see cref="ConnectionUpdates.UpdateAsync"/>.</summary>
public sealed record UpdateOutcome(Connection? Connection, bool Written)
{
    public static readonly UpdateOutcome Missing = new(null, false);
}

/// <summary>Too many consecutive version conflicts: transient by nature, so the message is retried.</summary>
public sealed class ConcurrencyException : Exception
{
    public ConcurrencyException()
    {
    }

    public ConcurrencyException(string message)
        : base(message)
    {
    }

    public ConcurrencyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
