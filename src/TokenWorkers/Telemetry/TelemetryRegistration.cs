using MassTransit.Logging;
using MassTransit.Monitoring;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TokenWorkers.Runtime;

namespace TokenWorkers.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>The standard variables that name an OTLP destination; any of them turns OTLP export on.</summary>
    public static readonly IReadOnlyList<string> OtlpEndpointVariables =
    [
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    ];

    /// <summary>
    /// OpenTelemetry as in any .NET service: spans of ASP.NET Core, HttpClient, MassTransit and the worker itself; metrics
    /// of the worker, MassTransit, ASP.NET Core, HttpClient and the runtime; a resource naming the service, its version and
    /// this instance. Spans are made whether or not anything exports them, so log lines carry trace ids and calls carry
    /// <c>traceparent</c>. OTLP exports traces and metrics when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, reading every
    /// other <c>OTEL_*</c> variable itself (docs/observability.md).
    /// </summary>
    public static IServiceCollection AddTokenWorkersTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.SectionName);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.Clear()
                .AddDetector(sp => ServiceIdentity.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<WorkerIdentity>()).AsResource())
                .AddTelemetrySdk()
                .AddEnvironmentVariableDetector())
            .WithTracing(tracing => tracing
                .AddSource(DiagnosticHeaders.DefaultListenerName, TokenWorkersTracing.SourceName)
                // The query string of a connect callback carries LinkedIn's code and the signed state: never in a span, even
                // with the instrumentation's redaction turned off by its own variable.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TokenWorkersMetrics.MeterName, InstrumentationOptions.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation();
                if (options.Exporter == TelemetryExporter.Console)
                {
                    metrics.AddConsoleExporter((_, reader) => Interval(reader, options));
                }
            });

        var otlp = OtlpEnabled(configuration, options);
        if (otlp)
        {
            if (options.OtlpEndpoint is { } legacy && string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            {
                telemetry.UseOtlpExporter(options.OtlpProtocol == OtlpTransport.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc, legacy);
            }
            else
            {
                telemetry.UseOtlpExporter();
            }

            // Logs reach this provider through Serilog (see LoggingRegistration), already filtered by its levels.
            telemetry.WithLogging();

            // The exporter's own reader, unnamed: the deprecated setting still sets its interval when given.
            services.Configure<MetricReaderOptions>(reader => Interval(reader, options));
        }

        if (options.Exporter == TelemetryExporter.Console || otlp)
        {
            services.AddHostedService<FleetSummaryRefresher>();
        }

        return services;
    }

    /// <summary>Whether traces, metrics and logs go out over OTLP: a standard endpoint variable is set, or the deprecated setting asks.</summary>
    public static bool OtlpEnabled(IConfiguration configuration, TelemetryOptions options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        return options.Exporter == TelemetryExporter.Otlp || OtlpEndpointVariables.Any(name => !string.IsNullOrWhiteSpace(configuration[name]));
    }

    private static void Interval(MetricReaderOptions reader, TelemetryOptions options)
    {
        if (options.ExportInterval is { } interval)
        {
            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)interval.TotalMilliseconds;
        }
    }
}
