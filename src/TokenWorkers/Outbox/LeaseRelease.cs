using TokenWorkers.Connections;
using TokenWorkers.Events;

namespace TokenWorkers.Outbox;

public static class LeaseRelease
{
    /// <summary>
    /// Gives <paramref name="holder"/>'s lease back after a cancelled or failed call, so another instance need not wait for
    /// it to expire. Best effort within 5 seconds and never cancelled by the caller: a lease left behind expires by itself
    /// and corrupts nothing.
    /// </summary>
    public static async Task ReleaseLeaseAsync(this AggregateWriter<Connection> writer, string connectionId, string holder)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await writer.UpdateAsync(connectionId, (c, _) => ConnectionTransitions.ReleaseLease(c, holder), bounded.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConcurrencyException)
        {
            // The lease expires by itself.
        }
    }
}
