using Quartz;

namespace TokenWorkers.Publishing;

/// <summary>The Quartz trigger of <see cref="PostResumer"/>: it only finds posts that can move and sends them.</summary>
[DisallowConcurrentExecution]
public sealed class PostResumeJob(PostResumer resumer) : IJob
{
    public const string Name = "post-resume-scan";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await resumer.ScanAsync(cancellationToken);
}
