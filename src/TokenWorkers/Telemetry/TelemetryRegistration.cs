using MassTransit.Logging;
using MassTransit.Monitoring;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TokenWorkers.Runtime;

namespace TokenWorkers.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>
    /// OpenTelemetry for the worker host: the TokenWorkers meter and MassTransit's own meter and activity source
    /// (its instrumentation is built in), exported as Telemetry:Exporter says. The MeterProvider is registered in
    /// every case, so another exporter can be added by configuring it; with None it exports nothing.
    /// </summary>
    public static IServiceCollection AddTokenWorkersTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<TelemetryOptions>(TelemetryOptions.SectionName);
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>();
        var options = configuration.GetSection(TelemetryOptions.SectionName).Get<TelemetryOptions>() ?? new TelemetryOptions();

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("tokenworkers", serviceInstanceId: Environment.MachineName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(TokenWorkersMetrics.MeterName, InstrumentationOptions.MeterName);
                var interval = (int)options.ExportInterval.TotalMilliseconds;
                switch (options.Exporter)
                {
                    case TelemetryExporter.Console:
                        metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval);
                        break;
                    case TelemetryExporter.Otlp:
                        metrics.AddOtlpExporter((exporter, reader) =>
                        {
                            Otlp(exporter, options);
                            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
                        });
                        break;
                }
            });

        if (options.Exporter == TelemetryExporter.Otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(DiagnosticHeaders.DefaultListenerName)
                .AddOtlpExporter(exporter => Otlp(exporter, options)));
        }

        if (options.Exporter != TelemetryExporter.None)
        {
            services.AddHostedService<FleetSummaryRefresher>();
        }

        return services;
    }

    private static void Otlp(OtlpExporterOptions exporter, TelemetryOptions options)
    {
        if (options.OtlpEndpoint is { } endpoint)
        {
            exporter.Endpoint = endpoint;
        }

        exporter.Protocol = options.OtlpProtocol == OtlpTransport.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
    }
}
