using System.Reflection;
using OpenTelemetry.Resources;
using TokenWorkers.Runtime;

namespace TokenWorkers.Telemetry;

/// <summary>
/// The service as every signal names it: the OpenTelemetry resource of traces and metrics and the properties of every
/// log event, so a log line and a span of one instance carry the same three values.
/// </summary>
/// <remarks>
/// The standard variables win, as in any OpenTelemetry SDK: <c>OTEL_SERVICE_NAME</c>, then the same keys in
/// <c>OTEL_RESOURCE_ATTRIBUTES</c>, then the worker's own values.
/// </remarks>
public sealed record ServiceIdentity(string Name, string Version, string InstanceId)
{
    public const string DefaultName = "tokenworkers";

    public static ServiceIdentity From(IConfiguration configuration, WorkerIdentity worker)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(worker);
        var attributes = ResourceAttributes(configuration["OTEL_RESOURCE_ATTRIBUTES"]);
        return new ServiceIdentity(
            NonBlank(configuration["OTEL_SERVICE_NAME"]) ?? attributes.GetValueOrDefault("service.name") ?? DefaultName,
            attributes.GetValueOrDefault("service.version") ?? AssemblyVersion,
            attributes.GetValueOrDefault("service.instance.id") ?? worker.InstanceId);
    }

    /// <summary>The worker assembly's informational version (with the commit it was built from, when the build knew it).</summary>
    public static string AssemblyVersion { get; } =
        typeof(ServiceIdentity).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ServiceIdentity).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    /// <summary>The three as OpenTelemetry resource attributes.</summary>
    public IResourceDetector AsResource() => new Detector(this);

    // The variable's format: comma-separated key=value pairs, values percent-encoded (W3C Baggage octets).
    private static Dictionary<string, string> ResourceAttributes(string? variable)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (variable ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && NonBlank(Uri.UnescapeDataString(pair[(equals + 1)..].Trim())) is { } value)
            {
                attributes[pair[..equals].Trim()] = value;
            }
        }

        return attributes;
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private sealed class Detector(ServiceIdentity service) : IResourceDetector
    {
        public Resource Detect() => new(new Dictionary<string, object>
        {
            ["service.name"] = service.Name,
            ["service.version"] = service.Version,
            ["service.instance.id"] = service.InstanceId,
        });
    }
}
