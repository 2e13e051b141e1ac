using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using TokenWorkers.Hosting;
using TokenWorkers.Telemetry;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// The request log line of the worker as Program.cs composes it, over real HTTP, read from a Serilog sink in the host:
/// method, route template, status, duration and admin key; never the query string, even with ASP.NET Core's own request
/// logging turned up in the settings.
/// </summary>
public sealed class RequestLoggingTests : IAsyncLifetime
{
    private const string Code = "AQT-oauth-code-SENTINEL-5c1d0e";
    private const string State = "state-SENTINEL-91f2aa.signature";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-requestlog-").FullName;
    private readonly Captured _logs = new();
    private TestWorker _worker = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var key = Convert.ToBase64String(Enumerable.Range(9, 32).Select(i => (byte)i).ToArray());
        _worker = await TestWorker.StartAsync(_dataDirectory, "log-1", new Dictionary<string, string> { ["log-1"] = key }, new Dictionary<string, string?>
        {
            ["Connect:Enabled"] = "true",
            ["Connect:PublicBaseUrl"] = "http://127.0.0.1:5999/",
            ["Connect:StateKey"] = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 5)).ToArray()),
            ["Serilog:MinimumLevel:Default"] = "Debug",
            // What an operator chasing a problem might set: ASP.NET Core's own "Request starting ...?code=..." included.
            ["Serilog:MinimumLevel:Override:Microsoft"] = "Debug",
            [$"Serilog:MinimumLevel:Override:{LoggingRegistration.HostingDiagnostics}"] = "Debug",
            ["OTEL_SERVICE_NAME"] = "tokenworkers-logtest",
        }, services => services.AddSingleton<ILogEventSink>(_logs));
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task A_connect_callback_is_logged_by_its_route_and_neither_its_code_nor_its_state_appears_anywhere()
    {
        // The test process has listeners of its own: without this its client would send a trace of its own instead.
        using var handler = new SocketsHttpHandler { ActivityHeadersPropagator = null };
        using var anonymous = new HttpClient(handler) { BaseAddress = _worker.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"connect/linkedin/callback?code={Uri.EscapeDataString(Code)}&state={Uri.EscapeDataString(State)}");
        var traceId = ActivityTraceId.CreateRandom();
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var response = await anonymous.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);

        var line = await RequestLineAsync("/connect/linkedin/callback");
        Assert.Equal("GET", Scalar(line, "Method"));
        Assert.Equal("400", Scalar(line, "StatusCode"));
        Assert.True(double.Parse(Scalar(line, "ElapsedMs")!, CultureInfo.InvariantCulture) >= 0);
        Assert.False(line.Properties.ContainsKey("AdminKey"));
        Assert.Equal(traceId, line.TraceId);
        Assert.NotNull(line.SpanId);
        // Microsoft.* at Debug did write: the test would prove nothing if the framework were silent anyway.
        Assert.Contains(_logs.Events, e => Scalar(e, "SourceContext")?.StartsWith("Microsoft.AspNetCore.Routing", StringComparison.Ordinal) == true);
        foreach (var secret in new[] { Code, State, Uri.EscapeDataString(Code), Uri.EscapeDataString(State), "SENTINEL" })
        {
            Assert.DoesNotContain(_logs.Events, e => e.Text.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task An_admin_request_is_logged_with_its_route_template_and_the_key_name_never_the_key()
    {
        using var response = await _worker.Http.GetAsync("admin/connections/conn-missing?after=x", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        var line = await RequestLineAsync("/admin/connections/{connectionId}");
        Assert.Equal("admin", Scalar(line, "AdminKey"));
        Assert.Equal("404", Scalar(line, "StatusCode"));
        Assert.DoesNotContain(_logs.Events, e => e.Text.Contains(TestWorker.ApiKey, StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Events, e => e.Text.Contains("after=x", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_event_names_the_service_its_version_and_this_instance()
    {
        using var response = await _worker.Http.GetAsync("health/live", Cancel);
        await RequestLineAsync("/health/live");

        var identity = _worker.Services.GetRequiredService<TokenWorkers.Runtime.WorkerIdentity>();
        Assert.All(_logs.Events, e =>
        {
            Assert.Equal("tokenworkers-logtest", Scalar(e, "ServiceName"));
            Assert.Equal(ServiceIdentity.AssemblyVersion, Scalar(e, "ServiceVersion"));
            Assert.Equal(identity.InstanceId, Scalar(e, "ServiceInstanceId"));
        });
    }

    private async Task<Captured.Entry> RequestLineAsync(string route)
    {
        Captured.Entry? line = null;
        await Pipeline.PipelineHost.WaitUntilAsync(
            () => (line = _logs.Events.FirstOrDefault(e => e.EventId is 1500 or 1501 && Scalar(e, "Route") == route)) is not null,
            $"the request line of {route}", TimeSpan.FromSeconds(10));
        return line!;
    }

    private static string? Scalar(Captured.Entry entry, string name) =>
        entry.Properties.TryGetValue(name, out var value) ? (value as ScalarValue)?.Value?.ToString() ?? value.ToString() : null;

    /// <summary>Every event the host's Serilog logger wrote, rendered and with its properties.</summary>
    private sealed class Captured : ILogEventSink
    {
        private readonly ConcurrentQueue<Entry> _events = new();

        public IReadOnlyList<Entry> Events => [.. _events];

        public void Emit(LogEvent logEvent)
        {
            ArgumentNullException.ThrowIfNull(logEvent);
            var properties = logEvent.Properties.ToDictionary(p => p.Key, p => p.Value);
            var eventId = properties.TryGetValue("EventId", out var id) && id is StructureValue s
                && s.Properties.FirstOrDefault(p => p.Name == "Id")?.Value is ScalarValue { Value: int number } ? number : (int?)null;
            var text = string.Join(' ', logEvent.RenderMessage(CultureInfo.InvariantCulture), logEvent.MessageTemplate.Text,
                string.Join(' ', properties.Select(p => $"{p.Key}={p.Value}")), logEvent.Exception?.ToString());
            _events.Enqueue(new Entry(eventId, properties, text, logEvent.TraceId, logEvent.SpanId));
        }

        public sealed record Entry(int? EventId, IReadOnlyDictionary<string, LogEventPropertyValue> Properties, string Text,
            ActivityTraceId? TraceId, ActivitySpanId? SpanId);
    }
}
