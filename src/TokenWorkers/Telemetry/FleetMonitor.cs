using TokenWorkers.Connections;

namespace TokenWorkers.Telemetry;

/// <summary>
/// The latest <see cref="FleetSummary"/>, shared by the status page and the fleet gauges. Summarizing reads the
/// whole store, so it is done at most once per requested age, and concurrent callers share one read.
/// </summary>
public sealed class FleetMonitor(IConnectionStore store, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot? _latest;

    /// <summary>The last summary taken, with when; null before the first.</summary>
    public (FleetSummary Summary, DateTimeOffset TakenAt)? Latest => _latest is { } s ? (s.Summary, s.TakenAt) : null;

    /// <summary>A summary no older than <paramref name="maxAge"/>, taking a new one when needed.</summary>
    public async Task<FleetSummary> GetAsync(TimeSpan maxAge, CancellationToken cancellationToken)
    {
        if (Fresh(maxAge) is { } fresh)
        {
            return fresh;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh(maxAge) is { } takenMeanwhile)
            {
                return takenMeanwhile;
            }

            var summary = await store.SummarizeAsync(cancellationToken);
            _latest = new Snapshot(summary, time.GetUtcNow());
            return summary;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private FleetSummary? Fresh(TimeSpan maxAge) =>
        _latest is { } s && time.GetUtcNow() - s.TakenAt <= maxAge ? s.Summary : null;

    private sealed record Snapshot(FleetSummary Summary, DateTimeOffset TakenAt);
}
