using Microsoft.Extensions.Options;

namespace TokenWorkers.Telemetry;

/// <summary>
/// The worker's own telemetry settings (section <c>Telemetry</c>). Where traces and metrics go is configured the standard
/// way, with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> and the other <c>OTEL_*</c> variables (docs/observability.md); the
/// exporter settings here are kept for existing deployments and are deprecated.
/// </summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// <c>Console</c> prints metrics to standard output, for trying things out. <c>Otlp</c> is deprecated: setting
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> turns OTLP export on.
    /// </summary>
    public TelemetryExporter Exporter { get; set; } = TelemetryExporter.None;

    /// <summary>Deprecated: use <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, which wins when both are set. Used as the OTLP base URL.</summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>Deprecated: use <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> (<c>grpc</c> or <c>http/protobuf</c>). Read only with <see cref="OtlpEndpoint"/>.</summary>
    public OtlpTransport OtlpProtocol { get; set; } = OtlpTransport.Grpc;

    /// <summary>
    /// Deprecated: use <c>OTEL_METRIC_EXPORT_INTERVAL</c> (milliseconds). When set, it wins, for every metrics exporter.
    /// </summary>
    public TimeSpan? ExportInterval { get; set; }

    /// <summary>How often the fleet gauges (connections by status, time to dead) are recomputed: each time reads the whole store.</summary>
    public TimeSpan FleetSummaryInterval { get; set; } = TimeSpan.FromSeconds(60);
}

public enum TelemetryExporter
{
    /// <summary>No exporter of the worker's choosing; OTLP still exports when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
    None,

    /// <summary>Metrics printed to standard output: for trying things out.</summary>
    Console,

    /// <summary>Deprecated: metrics and traces over OTLP, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> does by itself.</summary>
    Otlp,
}

public enum OtlpTransport
{
    Grpc,
    HttpProtobuf,
}

public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Exporter))
        {
            failures.Add("Telemetry:Exporter must be None, Console or Otlp.");
        }

        if (options.OtlpEndpoint is not null and not { IsAbsoluteUri: true, Scheme: "http" or "https" })
        {
            failures.Add("Telemetry:OtlpEndpoint must be an absolute http(s) URL (better: set OTEL_EXPORTER_OTLP_ENDPOINT instead).");
        }

        if (options.ExportInterval is { } interval && (interval < TimeSpan.FromSeconds(1) || interval > TimeSpan.FromHours(1)))
        {
            failures.Add("Telemetry:ExportInterval must be between 00:00:01 and 01:00:00.");
        }

        if (options.FleetSummaryInterval < TimeSpan.FromSeconds(1) || options.FleetSummaryInterval > TimeSpan.FromHours(1))
        {
            failures.Add("Telemetry:FleetSummaryInterval must be between 00:00:01 and 01:00:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
