using Quartz;

namespace TokenWorkers.Refresh;

/// <summary>The Quartz trigger of <see cref="RefreshScanner"/>: it only finds work and sends messages.</summary>
[DisallowConcurrentExecution]
public sealed class RefreshScanJob(RefreshScanner scanner) : IJob
{
    public const string Name = "refresh-scan";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await scanner.ScanAsync(cancellationToken);
}
