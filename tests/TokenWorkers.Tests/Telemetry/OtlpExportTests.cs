using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TokenWorkers.Telemetry;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Tests.Telemetry;

/// <summary>
/// The built worker as its own process, configured only through the standard <c>OTEL_*</c> variables, exporting to a
/// small OTLP/HTTP receiver on loopback. The payloads are protobuf; the test reads the resource attributes as the bytes
/// they are (strings are stored verbatim in protobuf), which is enough to see they arrived.
/// </summary>
public sealed class OtlpExportTests : IAsyncLifetime
{
    private const string CodeSentinel = "AQT-code-SENTINEL-77a1";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-otlp-").FullName;
    private readonly ConcurrentQueue<Export> _exports = new();
    private WebApplication _receiver = null!;
    private Uri _receiverAddress = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            _exports.Enqueue(new Export(signal, request.ContentType, request.Headers["x-tw-test"].ToString(), body.ToArray()));
            return Results.Bytes([], "application/x-protobuf");
        });
        await _receiver.StartAsync(Cancel);
        _receiverAddress = new Uri(_receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync()
    {
        await _receiver.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task The_standard_variables_alone_send_traces_metrics_and_logs_over_otlp_http_with_the_resource_and_headers_they_name()
    {
        await using var worker = await StartWorkerAsync(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = _receiverAddress.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "x-tw-test=header-arrived",
            ["OTEL_SERVICE_NAME"] = "tw-otlp-e2e",
            ["OTEL_RESOURCE_ATTRIBUTES"] = "deployment.environment.name=otlp-test",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            // The instrumentation's own redaction off, as a variable can do: the worker still keeps the query out of spans.
            ["OTEL_DOTNET_EXPERIMENTAL_ASPNETCORE_DISABLE_URL_QUERY_REDACTION"] = "true",
        });

        await DriveRequestsAsync(worker);

        var instance = $"{Environment.MachineName}:{worker.Id}:";
        foreach (var signal in new[] { "traces", "metrics", "logs" })
        {
            await PipelineHost.WaitUntilAsync(() => _exports.Any(e => e.Signal == signal && e.Contains("tw-otlp-e2e")),
                $"an OTLP {signal} export naming the service", TimeSpan.FromSeconds(30));
            var export = _exports.First(e => e.Signal == signal && e.Contains("tw-otlp-e2e"));
            Assert.Equal("application/x-protobuf", export.ContentType);
            Assert.Equal("header-arrived", export.Header);
            Assert.True(export.Contains("deployment.environment.name") && export.Contains("otlp-test"), $"{signal}: OTEL_RESOURCE_ATTRIBUTES missing");
            Assert.True(export.Contains("service.instance.id") && export.Contains(instance), $"{signal}: the worker's instance id missing");
            Assert.True(export.Contains("service.version") && export.Contains(ServiceIdentity.AssemblyVersion), $"{signal}: the version missing");
        }

        await PipelineHost.WaitUntilAsync(() => _exports.Any(e => e.Signal == "traces" && e.Contains("/connect/linkedin/callback")),
            "the callback request's span", TimeSpan.FromSeconds(30));
        // A log record of the worker's own, with its message, and the request line of a call inside a trace.
        await PipelineHost.WaitUntilAsync(() => _exports.Any(e => e.Signal == "logs" && e.Contains("Connection store ready")),
            "the worker's start-up log line over OTLP", TimeSpan.FromSeconds(30));
        // The console still gets each line once: Serilog writes it, the host's own console provider is gone.
        Assert.Single(worker.Output.Split('\n'), line => line.Contains("Connection store ready", StringComparison.Ordinal));
        Assert.DoesNotContain(_exports, e => e.Contains("SENTINEL"));
        Assert.DoesNotContain("SENTINEL", worker.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_deprecated_Telemetry_settings_still_turn_otlp_on_as_a_base_url()
    {
        await using var worker = await StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Telemetry:Exporter"] = "Otlp",
            ["Telemetry:OtlpEndpoint"] = _receiverAddress.ToString(),
            ["Telemetry:OtlpProtocol"] = "HttpProtobuf",
            ["Telemetry:ExportInterval"] = "00:00:01",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });

        await DriveRequestsAsync(worker);

        await PipelineHost.WaitUntilAsync(() => _exports.Any(e => e.Signal == "traces") && _exports.Any(e => e.Signal == "metrics"),
            "OTLP exports at /v1/traces and /v1/metrics", TimeSpan.FromSeconds(30));
        Assert.Contains(_exports, e => e.Contains(ServiceIdentity.DefaultName));
    }

    private Task<WorkerProcess> StartWorkerAsync(Dictionary<string, string?> telemetry)
    {
        var settings = new Dictionary<string, string?>
        {
            // Nothing listens there: the worker starts degraded, which is enough to serve and export.
            ["LinkedIn:OAuthBaseUrl"] = "http://127.0.0.1:9/",
            ["LinkedIn:ApiBaseUrl"] = "http://127.0.0.1:9/",
            ["LinkedIn:ClientId"] = "tw-otlp",
            ["LinkedIn:ClientSecret"] = "tw-otlp-SENTINEL-secret",
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Encryption:ActiveKeyId"] = "otlp-1",
            ["Encryption:Keys:otlp-1"] = Convert.ToBase64String(Enumerable.Range(5, 32).Select(i => (byte)i).ToArray()),
        };
        foreach (var (name, value) in telemetry)
        {
            settings[name] = value;
        }

        return WorkerProcess.StartAsync(settings, Cancel);
    }

    private static async Task DriveRequestsAsync(WorkerProcess worker)
    {
        using var http = new HttpClient { BaseAddress = worker.BaseAddress };
        (await http.GetAsync("health/live", Cancel)).Dispose();
        (await http.GetAsync($"connect/linkedin/callback?code={CodeSentinel}&state=state-SENTINEL", Cancel)).Dispose();
    }

    private sealed record Export(string Signal, string? ContentType, string Header, byte[] Body)
    {
        public bool Contains(string text) => Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
    }
}
