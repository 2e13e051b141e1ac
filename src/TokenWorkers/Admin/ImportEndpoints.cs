using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Import;

namespace TokenWorkers.Admin;

/// <summary>
/// <c>POST /admin/connections/import</c>: an <c>application/x-ndjson</c> body, one connection per line, answered as
/// <c>application/x-ndjson</c> too: one result per line as it finishes, then one summary line with the counts. The answer
/// starts before the body is read to its end, so it is 200 whatever the lines come to; the summary says what they came to.
/// One audit record per request carries the counts.
/// </summary>
public static class ImportEndpoints
{
    public const string MediaType = "application/x-ndjson";

    private static readonly ReadOnlyMemory<byte> NewLine = "\n"u8.ToArray();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static RouteGroupBuilder MapImportEndpoints(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        admin.MapPost("/connections/import", ImportAsync).RequireScope(AdminScopes.Import);
        return admin;
    }

    private static async Task<IResult> ImportAsync(
        HttpContext http, bool? overwrite, ConnectionImporter importer, IOptions<AdminOptions> options, CancellationToken cancellationToken)
    {
        var max = options.Value.ImportMaxBodyBytes;
        if (!string.Equals(http.Request.ContentType?.Split(';')[0].Trim(), MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "The body must be NDJSON.",
                detail: $"Send Content-Type: {MediaType}, one connection per line.");
        }

        if (http.Request.ContentLength > max)
        {
            return TooLarge(max);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        var lines = new ImportLines(http.Request.Body, max);
        http.Response.ContentType = MediaType;
        var response = http.Response.Body;
        ImportCounts counts;
        try
        {
            counts = await importer.RunAsync(lines.ReadAsync(cancellationToken), overwrite ?? false, async result =>
            {
                await WriteLineAsync(response, new LineView(result.Line, result.ConnectionId, result.Result, result.Reason), cancellationToken);
            }, cancellationToken);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            AdminGate.AuditDetail(http, "the caller went away before the import ended; the lines already imported stay");
            return Results.Empty;
        }

        counts.Stopped = lines.Stopped;
        AdminGate.AuditDetail(http, (overwrite == true ? "overwrite; " : "") + counts);
        await WriteLineAsync(response, new SummaryView(new CountsView(counts)), cancellationToken);
        return Results.Empty;
    }

    private static IResult TooLarge(long max) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The import is too large.",
            detail: $"At most {max} bytes per request (Admin:ImportMaxBodyBytes): split the file, or use the worker's import command.");

    private static async Task WriteLineAsync<T>(Stream response, T value, CancellationToken cancellationToken)
    {
        await JsonSerializer.SerializeAsync(response, value, Json, cancellationToken);
        await response.WriteAsync(NewLine, cancellationToken);
        await response.FlushAsync(cancellationToken);
    }

    private sealed record LineView(int Line, string? ConnectionId, ImportResult Result, string? Reason);

    private sealed record SummaryView(CountsView Summary);

    private sealed record CountsView(int Lines, int Imported, int Unchanged, int Skipped, int Rejected, string? Stopped)
    {
        public CountsView(ImportCounts counts)
            : this(counts.Lines, counts.Imported, counts.Unchanged, counts.Skipped, counts.Rejected, counts.Stopped)
        {
        }
    }
}
