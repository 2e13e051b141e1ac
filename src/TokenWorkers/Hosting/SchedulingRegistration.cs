using Quartz;
using TokenWorkers.Outbox;
using TokenWorkers.Refresh;

namespace TokenWorkers.Hosting;

public static class SchedulingRegistration
{
    private static readonly TimeSpan OutboxSweepInterval = TimeSpan.FromSeconds(30);

    /// <summary>Quartz runs the refresh scan and the outbox sweep; each job never overlaps itself.</summary>
    public static IServiceCollection AddTokenWorkersScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var scanInterval = configuration.GetSection(RefreshOptions.SectionName).Get<RefreshOptions>()?.ScanInterval
                           ?? new RefreshOptions().ScanInterval;
        services.AddQuartz(quartz =>
        {
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
