using TokenWorkers.Connections;

namespace TokenWorkers.Telemetry;

/// <summary>
/// The latest <see cref="KeyUsage"/>, for the per-key gauge. Counting reads every row, so it is taken with the fleet
/// summary while metrics are exported, and recorded whenever an operator asks for it anyway.
/// </summary>
public sealed class KeyUsageMonitor(IConnectionStore store)
{
    private volatile KeyUsage? _latest;

    /// <summary>The last count taken; null before the first.</summary>
    public KeyUsage? Latest => _latest;

    public async Task<KeyUsage> RefreshAsync(CancellationToken cancellationToken)
    {
        var usage = await store.CountByKeyIdAsync(cancellationToken);
        _latest = usage;
        return usage;
    }

    public void Record(KeyUsage usage) => _latest = usage ?? throw new ArgumentNullException(nameof(usage));
}
