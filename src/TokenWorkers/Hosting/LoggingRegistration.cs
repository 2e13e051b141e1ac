using Serilog;
using Serilog.Events;
using Serilog.Formatting.Compact;
using TokenWorkers.Runtime;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Hosting;

public static class LoggingRegistration
{
    /// <summary>
    /// ASP.NET Core's "Request starting" line writes the full URL, query string included, and a connect callback's query
    /// string carries LinkedIn's code and the signed state. The worker's own request line (<see cref="RequestLogging"/>)
    /// says what an operator needs without it, so this source stays at Warning whatever the settings ask.
    /// </summary>
    public const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private const string TextTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Serilog to the console: readable text by default, compact JSON with <c>Log:Format=Json</c> (which carries the trace
    /// and span ids as <c>@tr</c> and <c>@sp</c>). Levels and overrides come from the <c>Serilog</c> section. Every event
    /// names the service, its version and this instance, as the OpenTelemetry resource does. The logger belongs to this host
    /// and leaves Serilog's static logger alone: with the static one, every host in a process wrote through whichever host
    /// started last, and the first host to stop silenced the rest.
    /// </summary>
    public static IHostApplicationBuilder AddTokenWorkersLogging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LoggingOptions>(LoggingOptions.SectionName);
        var json = string.Equals(builder.Configuration[$"{LoggingOptions.SectionName}:Format"], "json", StringComparison.OrdinalIgnoreCase);
        var telemetry = builder.Configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();
        // With OTLP on, Serilog also hands every event to the logging providers, where OpenTelemetry's provider (and only it:
        // the host's default console providers are removed, Serilog already writes the console) exports it with the trace
        // context of the moment it was written.
        var otlp = TelemetryRegistration.OtlpEnabled(builder.Configuration, telemetry);
        if (otlp)
        {
            builder.Logging.ClearProviders();
        }

        builder.Services.AddSerilog((services, logger) =>
        {
            var service = ServiceIdentity.From(builder.Configuration, services.GetRequiredService<WorkerIdentity>());
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .MinimumLevel.Override(HostingDiagnostics, LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("ServiceName", service.Name)
                .Enrich.WithProperty("ServiceVersion", service.Version)
                .Enrich.WithProperty("ServiceInstanceId", service.InstanceId);
            if (json)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        }, preserveStaticLogger: true, writeToProviders: otlp);
        return builder;
    }
}
