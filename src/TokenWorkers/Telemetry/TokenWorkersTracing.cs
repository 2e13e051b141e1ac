using System.Diagnostics;

namespace TokenWorkers.Telemetry;

/// <summary>The worker's own spans, next to the ones ASP.NET Core, HttpClient and MassTransit make.</summary>
public static class TokenWorkersTracing
{
    public const string SourceName = "TokenWorkers";

    public static ActivitySource Source { get; } = new(SourceName);
}
