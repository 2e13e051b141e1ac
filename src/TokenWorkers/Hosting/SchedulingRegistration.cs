using Quartz;
using TokenWorkers.Outbox;
using TokenWorkers.Publishing;
using TokenWorkers.Refresh;

namespace TokenWorkers.Hosting;

public static class SchedulingRegistration
{
    private static readonly TimeSpan OutboxSweepInterval = TimeSpan.FromSeconds(30);

    /// <summary>Quartz runs the refresh scan, the outbox sweep and the post resumption scan; each job never overlaps itself.</summary>
    public static IServiceCollection AddTokenWorkersScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var scanInterval = configuration.GetSection(RefreshOptions.SectionName).Get<RefreshOptions>()?.ScanInterval
                           ?? new RefreshOptions().ScanInterval;
        var postScanInterval = configuration.GetSection(PublishingOptions.SectionName).Get<PublishingOptions>()?.ScanInterval
                               ?? new PublishingOptions().ScanInterval;
        services.AddQuartz(quartz =>
        {
            quartz.ScheduleJob<PostResumeJob>(
                trigger => trigger.WithIdentity(PostResumeJob.Name).StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(postScanInterval).RepeatForever()),
                job => job.WithIdentity(PostResumeJob.Name));
            quartz.ScheduleJob<RefreshScanJob>(
                trigger => trigger.WithIdentity(RefreshScanJob.Name).StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(scanInterval).RepeatForever()),
                job => job.WithIdentity(RefreshScanJob.Name));
            quartz.ScheduleJob<OutboxSweepJob>(
                trigger => trigger.WithIdentity(OutboxSweepJob.Name).StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(OutboxSweepInterval).RepeatForever()),
                job => job.WithIdentity(OutboxSweepJob.Name));
        });
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }
}
