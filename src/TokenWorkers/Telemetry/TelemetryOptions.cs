using Microsoft.Extensions.Options;

namespace TokenWorkers.Telemetry;

/// <summary>Where the worker's metrics (and, with OTLP, MassTransit's traces) go (section <c>Telemetry</c>).</summary>
public sealed class TelemetryOptions
{
    public const string SectionName = "Telemetry";

    public TelemetryExporter Exporter { get; set; } = TelemetryExporter.None;

    /// <summary>The collector's OTLP endpoint, for example <c>http://otel-collector:4317</c> (gRPC) or <c>:4318</c> (HTTP).</summary>
    public Uri? OtlpEndpoint { get; set; }

    public OtlpTransport OtlpProtocol { get; set; } = OtlpTransport.Grpc;

    /// <summary>How often metrics are exported.</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the fleet gauges (connections by status, time to dead) are recomputed: each time reads the whole store.</summary>
    public TimeSpan FleetSummaryInterval { get; set; } = TimeSpan.FromSeconds(60);
}

public enum TelemetryExporter
{
    /// <summary>Instruments exist (an in-process listener can read them) but nothing is exported.</summary>
    None,

    /// <summary>Metrics printed to standard output: for trying things out.</summary>
    Console,

    /// <summary>Metrics and traces to an OpenTelemetry collector.</summary>
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

        if (options.Exporter == TelemetryExporter.Otlp && options.OtlpEndpoint is not { IsAbsoluteUri: true, Scheme: "http" or "https" })
        {
            failures.Add("Telemetry:OtlpEndpoint must be an absolute http(s) URL when Telemetry:Exporter is Otlp.");
        }

        if (options.ExportInterval < TimeSpan.FromSeconds(1) || options.ExportInterval > TimeSpan.FromHours(1))
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
