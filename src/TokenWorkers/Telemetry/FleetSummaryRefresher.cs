using Microsoft.Extensions.Options;

namespace TokenWorkers.Telemetry;

/// <summary>Keeps the fleet gauges current while metrics are exported; a failed summary is logged and retried next time.</summary>
public sealed partial class FleetSummaryRefresher(
    FleetMonitor fleet, KeyUsageMonitor keys, IOptions<TelemetryOptions> options, TimeProvider time, ILogger<FleetSummaryRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.FleetSummaryInterval;
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await fleet.GetAsync(interval / 2, stoppingToken);
                await keys.RefreshAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogSummaryFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 950, Level = LogLevel.Warning, Message = "The fleet summary for the gauges failed; they keep their last values")]
    private static partial void LogSummaryFailed(ILogger logger, Exception exception);
}
