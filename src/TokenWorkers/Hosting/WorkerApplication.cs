using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace TokenWorkers.Hosting;

public static class WorkerApplication
{
    public static WebApplication MapTokenWorkersEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }

    /// <summary>
    /// Runs until shutdown. An invalid setting stops start-up with one readable line per error, naming
    /// the setting, and exit code 2, instead of an exception dump.
    /// </summary>
    public static async Task<int> RunTokenWorkersAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("TokenWorkers cannot start: invalid configuration.");
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"  - {failure}");
            }

            return 2;
        }
    }
}
