using System.Net;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;
using TokenWorkers.Refresh;
using TokenWorkers.Sandbox;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// The worker exactly as Program.cs composes it (Serilog, Quartz, MassTransit, SQLite, health endpoints),
/// on the real clock, against the sandbox over HTTP.
/// </summary>
public sealed class WorkerHostTests : IAsyncLifetime
{
    private const string ClientId = "tw-host";
    private const string ClientSecret = "tw-host-secret";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-host-").FullName;
    private readonly List<MetricSnapshot> _exported = [];
    private LinkedInSandbox _sandbox = null!;
    private WebApplication _app = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await LinkedInSandbox.StartAsync(cancellationToken: Cancel);
        _sandbox.Control.CreateApp(ClientId, ClientSecret, programmaticRefresh: true);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["LinkedIn:OAuthBaseUrl"] = _sandbox.BaseAddress.ToString(),
            ["LinkedIn:ApiBaseUrl"] = _sandbox.BaseAddress.ToString(),
            ["LinkedIn:ClientId"] = ClientId,
            ["LinkedIn:ClientSecret"] = ClientSecret,
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Encryption:ActiveKeyId"] = "host-1",
            ["Encryption:Keys:host-1"] = Convert.ToBase64String(new byte[32]),
            ["Refresh:ScanInterval"] = "00:00:01",
            ["Refresh:QuickRetryInterval"] = "00:00:00.050",
        });
        builder.AddTokenWorkers();
        // The exporter a user would configure, swapped for one the test can read: the same MeterProvider otherwise.
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(_exported));
        _app = builder.Build();
        _app.MapTokenWorkersEndpoints();
        await _app.StartAsync(Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task The_scheduled_scan_refreshes_a_due_connection_and_the_host_reports_ready()
    {
        var store = _app.Services.GetRequiredService<IConnectionStore>();
        var member = _sandbox.Control.CreateMember();
        var grant = _sandbox.Control.SeedGrant(ClientId, member.Sub, "openid", "profile", "w_member_social");
        var now = DateTimeOffset.UtcNow;
        var granted = (TokenGranted)TokenResponseReader.Read(HttpStatusCode.OK,
            $$"""{"access_token":"{{grant.AccessToken}}","expires_in":432000,"refresh_token":"{{grant.RefreshToken}}","refresh_token_expires_in":{{grant.RefreshTokenExpiresIn}}}""", now);
        await store.TryInsertAsync(NewConnections.FromGrant("host-due", "t", granted.ToGrant(), _app.Services.GetRequiredService<RefreshSchedule>(), now), Cancel);

        var refreshed = await EventuallyAsync(async () => await store.FindAsync("host-due", Cancel) is { LastRefreshedAt: not null } c ? c : null);

        Assert.True(refreshed.AccessTokenExpiresAt > now.AddDays(59));
        Assert.Null(refreshed.Lease);
        Assert.Equal(1, _sandbox.Control.Requests.Count(r => r.GrantId == grant.GrantId && r.Endpoint == SandboxEndpoint.AccessToken && r.Status == 200));
        using var http = new HttpClient { BaseAddress = new Uri(Address()) };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready", Cancel)).StatusCode);
    }

    [Fact]
    public async Task An_invalid_RefreshDue_faults_to_the_error_path_with_its_reason_and_the_worker_keeps_consuming()
    {
        var faults = new List<Fault<RefreshDue>>();
        var bus = _app.Services.GetRequiredService<IBus>();
        var handle = bus.ConnectReceiveEndpoint("test-refresh-due-faults", endpoint =>
            endpoint.Handler<Fault<RefreshDue>>(context =>
            {
                lock (faults)
                {
                    faults.Add(context.Message);
                }

                return Task.CompletedTask;
            }));
        await handle.Ready;

        await bus.Publish(new RefreshDue
        {
            EventId = Guid.NewGuid(),
            ConnectionId = "no-such-connection",
            TenantId = "t",
            Version = 1,
            OccurredAt = DateTimeOffset.UtcNow,
        }, Cancel);

        var fault = await EventuallyAsync(() => Task.FromResult(faults.FirstOrDefault()));
        Assert.Contains(fault.Exceptions, e => e.Message.Contains("no-such-connection", StringComparison.Ordinal) &&
                                               e.ExceptionType.EndsWith(nameof(UnknownConnectionException), StringComparison.Ordinal));
        Assert.Single(faults);

        // The endpoint still consumes: a valid connection is refreshed afterwards.
        await The_scheduled_scan_refreshes_a_due_connection_and_the_host_reports_ready();
    }

    [Fact]
    public async Task LinkedIn_failing_every_call_makes_ready_degraded_not_dead_and_names_the_check()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Address()) };
        var before = await ReadyAsync(http);
        Assert.Equal("Healthy", before.GetProperty("status").GetString());
        Assert.Equal("Healthy", before.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
        Assert.Contains(before.GetProperty("checks").EnumerateObject(), c => c.Name.Contains("masstransit", StringComparison.OrdinalIgnoreCase));

        _sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.ServiceUnavailable, count: 1000);
        var store = _app.Services.GetRequiredService<IConnectionStore>();
        foreach (var id in new[] { "down-1", "down-2", "down-3" })
        {
            var member = _sandbox.Control.CreateMember();
            var grant = _sandbox.Control.SeedGrant(ClientId, member.Sub, "openid", "profile", "w_member_social");
            var now = DateTimeOffset.UtcNow;
            var granted = (TokenGranted)TokenResponseReader.Read(HttpStatusCode.OK,
                $$"""{"access_token":"{{grant.AccessToken}}","expires_in":432000,"refresh_token":"{{grant.RefreshToken}}","refresh_token_expires_in":{{grant.RefreshTokenExpiresIn}}}""", now);
            await store.TryInsertAsync(NewConnections.FromGrant(id, "t", granted.ToGrant(), _app.Services.GetRequiredService<RefreshSchedule>(), now), Cancel);
        }

        var degraded = await EventuallyAsync(async () =>
        {
            using var response = await http.GetAsync("/health/ready", Cancel);
            var body = await response.Content.ReadAsStringAsync(Cancel);
            return response.StatusCode == HttpStatusCode.OK && body.Contains("\"status\": \"Degraded\"", StringComparison.Ordinal) ? body : null;
        });

        var report = JsonDocument.Parse(degraded).RootElement;
        Assert.Equal("Degraded", report.GetProperty("status").GetString());
        var linkedIn = report.GetProperty("checks").GetProperty("linkedin");
        Assert.Equal("Degraded", linkedIn.GetProperty("status").GetString());
        Assert.Contains("503", linkedIn.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live", Cancel)).StatusCode);
        Assert.All(await Task.WhenAll(new[] { "down-1", "down-2", "down-3" }.Select(id => store.FindAsync(id, Cancel))),
            c => Assert.NotNull(c!.RefreshToken));
    }

    [Fact]
    public async Task OpenTelemetry_exports_the_worker_metrics_through_the_host_meter_provider()
    {
        await The_scheduled_scan_refreshes_a_due_connection_and_the_host_reports_ready();
        await _app.Services.GetRequiredService<FleetMonitor>().GetAsync(TimeSpan.Zero, Cancel);

        Assert.True(_app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));

        var names = _exported.Select(m => m.Name).ToHashSet();

        Assert.Contains("tokenworkers.refreshes", names);
        Assert.Contains("tokenworkers.refresh.duration", names);
        Assert.Contains("tokenworkers.connections", names);
        Assert.Contains("tokenworkers.fleet.access_token.time_to_expiry", names);
        // MassTransit's instruments are process-wide (bound to the first bus of the process): ConsoleExportTests checks them in a process of its own.
        // OpenTelemetry subscribes to meters by name, so in this shared test process it also sees the hosts of tests running
        // alongside: only "at least ours" can be asserted here. MetricsScenarioTests checks exact values on this host's own
        // meter, ConsoleExportTests the export of a worker process of its own.
        var refreshed = Points(_exported.Last(m => m.Name == "tokenworkers.refreshes"))
            .Where(p => Equals(p.Tags.GetValueOrDefault("outcome"), "refreshed")).Sum(p => p.Value);
        Assert.True(refreshed >= 1, $"refreshed = {refreshed}");
    }

    private static IEnumerable<(Dictionary<string, object?> Tags, long Value)> Points(MetricSnapshot metric)
    {
        foreach (var point in metric.MetricPoints)
        {
            var tags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags)
            {
                tags[tag.Key] = tag.Value;
            }

            yield return (tags, point.GetSumLong());
        }
    }

    private static async Task<JsonElement> ReadyAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/health/ready", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone();
    }

    private string Address() =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100, Cancel);
        }

        throw new TimeoutException("The condition did not hold within 30 s");
    }
}
