using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TokenWorkers.Hosting;

/// <summary>The health endpoints' body: the overall status and each check's, so an operator sees which part is wrong.</summary>
public static class HealthResponses
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(report);
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description,
                    // The exception's type only: messages of driver exceptions can carry connection strings.
                    error = e.Value.Exception?.GetType().Name,
                    data = e.Value.Data.Count == 0 ? null : e.Value.Data,
                }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
