using Quartz;

namespace TokenWorkers.Outbox;

/// <summary>The Quartz trigger of <see cref="OutboxSweeper"/>.</summary>
[DisallowConcurrentExecution]
public sealed class OutboxSweepJob(OutboxSweeper sweeper) : IJob
{
    public const string Name = "outbox-sweep";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await sweeper.SweepAsync(cancellationToken);
}
