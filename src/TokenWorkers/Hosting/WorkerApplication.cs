using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TokenWorkers.Admin;
using TokenWorkers.Connect;
using TokenWorkers.LinkedIn;

namespace TokenWorkers.Hosting;

public static class WorkerApplication
{
    public static WebApplication MapTokenWorkersEndpoints(this WebApplication app)
    {
        app.UseTokenWorkersRequestLogging();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        // Degraded (LinkedIn unreachable) answers 200: the worker is ready and must not be restarted for it.
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = HealthResponses.WriteAsync,
        });
        app.MapConnectEndpoints();
        app.MapAdminEndpoints();
        return app;
    }

    /// <summary>
    /// Runs until shutdown. An invalid setting stops start-up with one readable line per error, naming
    /// the setting, and exit code 2, instead of an exception dump; a broker that does not accept a connection within
    /// <c>Transport:StartTimeout</c> stops it with one line naming the broker settings and exit code 3.
    /// </summary>
    public static Task<int> RunTokenWorkersAsync(this WebApplication app) => app.RunTokenWorkersAsync([]);

    /// <summary>
    /// As <see cref="RunTokenWorkersAsync(WebApplication)"/>, or, when <paramref name="args"/> name one of
    /// <see cref="WorkerCommands"/>, runs that command instead and returns its exit code.
    /// </summary>
    public static Task<int> RunTokenWorkersAsync(this WebApplication app, string[] args) => app.RunTokenWorkersAsync(args, mapEndpoints: false);

    /// <summary>
    /// As <see cref="RunTokenWorkersAsync(WebApplication, string[])"/>; with <paramref name="mapEndpoints"/> it also maps the worker's
    /// endpoints (<see cref="MapTokenWorkersEndpoints"/>) after the settings are validated: mapping builds the bus, whose consumer
    /// definitions read their options, so a bad setting would otherwise end in an exception dump instead of the list below.
    /// </summary>
    public static async Task<int> RunTokenWorkersAsync(this WebApplication app, string[] args, bool mapEndpoints)
    {
        // Read now: RunAsync disposes the services before a start-up failure reaches the catch below.
        var startTimeout = TimeSpan.Zero;
        try
        {
            // Every ValidateOnStart option at once, before any service is built, so one run reports every
            // bad setting (the host would otherwise stop at the first service that reads its options).
            app.Services.GetService<IStartupValidator>()?.Validate();
            if (mapEndpoints)
            {
                app.MapTokenWorkersEndpoints();
            }

            if (await WorkerCommands.RunAsync(app, args) is { } exitCode)
            {
                return exitCode;
            }

            if (app.Services.GetRequiredService<IOptions<LinkedInPostingOptions>>().Value.Api == PostingApi.Posts)
            {
                app.Services.GetRequiredService<LinkedInVersionMonitor>().WarnIfOld();
            }

            startTimeout = app.Services.GetRequiredService<IOptions<TransportOptions>>().Value.StartTimeout;
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (ValidationFailures(ex) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("TokenWorkers cannot start: invalid configuration.");
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync($"  - {failure}");
            }

            return 2;
        }
        catch (Exception ex) when (BrokerStartFailure.Describe(ex) is { } reason)
        {
            await Console.Error.WriteLineAsync(BrokerStartFailure.Message(reason, startTimeout));
            return BrokerStartFailure.ExitCode;
        }
    }

    private static List<string> ValidationFailures(Exception ex) => ex switch
    {
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(ValidationFailures)],
        _ => [],
    };
}
