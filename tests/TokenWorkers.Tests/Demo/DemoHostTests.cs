using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog.Core;
using Serilog.Events;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Demo;
using TokenWorkers.Hosting;
using TokenWorkers.Messaging;
using TokenWorkers.Sandbox;

namespace TokenWorkers.Tests.Demo;

/// <summary>
/// The demo host as its Program.cs composes it (the demo, then the worker with the demo's consumer on its
/// bus), on the real clock, against the sandbox over HTTP: what `make run` shows, checked without a terminal.
/// </summary>
public sealed class DemoHostTests : IAsyncLifetime
{
    private const string ClientId = "tw-demo-host";
    private const string ClientSecret = "tw-demo-host-secret";
    // The demo's consumer shares the worker's bus, so its queue follows the worker's Transport:QueuePrefix too.
    private static readonly string SubscriberQueue = QueueNames.Formatter(TransportOptions.DefaultQueuePrefix).Consumer<DemoSubscriber>();
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-demo-").FullName;
    private const string AdminKey = "tw-demo-host-admin-key-0123456789";
    private readonly ConsumedMessages _consumed = new();
    private readonly CapturedLog _log = new();
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
            ["Demo:SandboxUrl"] = _sandbox.BaseAddress.ToString(),
            ["LinkedIn:OAuthBaseUrl"] = _sandbox.BaseAddress.ToString(),
            ["LinkedIn:ApiBaseUrl"] = _sandbox.BaseAddress.ToString(),
            ["LinkedIn:ClientId"] = ClientId,
            ["LinkedIn:ClientSecret"] = ClientSecret,
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Encryption:ActiveKeyId"] = "demo-1",
            ["Encryption:Keys:demo-1"] = Convert.ToBase64String(new byte[32]),
            ["Refresh:ScanInterval"] = "00:00:01",
            ["Refresh:QuickRetryInterval"] = "00:00:00.050",
            ["Admin:Enabled"] = "true",
            ["Admin:ApiKey"] = AdminKey,
            ["Proxy:Enabled"] = "true",
        });
        builder.AddTokenWorkersDemo();
        builder.AddTokenWorkers(configureBus: bus => bus.AddTokenWorkersDemoConsumers());
        builder.Services.AddConsumeObserver(_ => _consumed);
        builder.Services.AddSingleton<ILogEventSink>(_log);
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
    public void The_demo_is_seeded_before_the_bus_and_the_scheduler_start()
    {
        var started = _app.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();
        var seeder = started.IndexOf(typeof(DemoSeeder));

        Assert.NotEqual(-1, seeder);
        Assert.Contains(typeof(DemoPoster), started);
        Assert.All(started.Where(t => t.Namespace?.Split('.')[0] is "MassTransit" or "Quartz"),
            t => Assert.True(started.IndexOf(t) > seeder, $"{t.Name} starts before the demo fleet is seeded"));
        Assert.Contains(started, t => t.Namespace?.StartsWith("Quartz", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task The_demo_subscriber_shares_the_workers_bus_and_gets_its_events_for_the_seeded_fleet_and_posts()
    {
        (string Message, string? ConnectionId)[] expected =
        [
            (nameof(ReauthRequired), "demo-carol"), (nameof(TokenRefreshed), "demo-frank"), (nameof(ReauthSoon), "demo-dave"),
            (nameof(PostPublished), "demo-alice"), (nameof(PostFailed), "demo-alice"), (nameof(PostHeld), "demo-carol"),
        ];

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (expected.Except(_consumed.On(SubscriberQueue)).ToList() is { Count: > 0 } missing)
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"Within 30 s {SubscriberQueue} did not consume {string.Join(", ", missing)}; it consumed {string.Join(", ", _consumed.On(SubscriberQueue))}");
            await Task.Delay(100, Cancel);
        }

        Assert.DoesNotContain((nameof(TokenRefreshed), (string?)"demo-carol"), _consumed.On(SubscriberQueue));
    }

    [Fact]
    public async Task The_demo_imports_connections_from_its_file_and_reads_one_members_userinfo_through_the_proxy()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (_log.Events.All(e => e.EventId != 932))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Within 30 s the demo did not proxy a call; its log:\n{string.Join('\n', _log.Events.Select(e => e.Text))}");
            await Task.Delay(100, Cancel);
        }

        var imported = Assert.Single(_log.Events, e => e.EventId == 930);
        Assert.Contains("3 imported, 0 unchanged, 1 rejected", imported.Text, StringComparison.Ordinal);
        var demoLines = string.Join('\n', _log.Events.Where(e => e.EventId is >= 930 and < 940).Select(e => e.Text));
        Assert.True(_log.Events.Any(e => e.EventId == 931 && e.Text.Contains("line 4 rejected: \"bad JSON", StringComparison.Ordinal)), demoLines);
        var proxied = Assert.Single(_log.Events, e => e.EventId == 932);
        Assert.Contains("HTTP 200, name \"Ida Imported\"", proxied.Text, StringComparison.Ordinal);

        var store = _app.Services.GetRequiredService<IConnectionStore>();
        foreach (var id in new[] { "demo-imported-1", "demo-imported-2", "demo-imported-3" })
        {
            Assert.Equal(ConnectionStatus.Active, (await store.FindAsync(id, Cancel))?.Status);
        }

        // The proxied userinfo went to LinkedIn with the imported connection's own token, which the caller never saw.
        var file = await File.ReadAllLinesAsync(Path.Combine(_dataDirectory, DemoImporter.FileName), Cancel);
        var token = System.Text.Json.JsonDocument.Parse(file[0]).RootElement.GetProperty("accessToken").GetString()!;
        Assert.DoesNotContain(_log.Events, e => e.Text.Contains(token, StringComparison.Ordinal));
    }

    /// <summary>The host's own log events, rendered.</summary>
    private sealed class CapturedLog : ILogEventSink
    {
        private readonly ConcurrentQueue<(int EventId, string Text)> _events = new();

        public IReadOnlyList<(int EventId, string Text)> Events => [.. _events];

        public void Emit(LogEvent logEvent)
        {
            ArgumentNullException.ThrowIfNull(logEvent);
            var id = logEvent.Properties.TryGetValue("EventId", out var value) && value is StructureValue structure
                && structure.Properties.FirstOrDefault(p => p.Name == "Id")?.Value is ScalarValue { Value: int number } ? number : 0;
            _events.Enqueue((id, logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture) + " " + logEvent.Exception));
        }
    }

    /// <summary>Every message consumed on the host's bus, with the queue that consumed it.</summary>
    private sealed class ConsumedMessages : IConsumeObserver
    {
        private readonly ConcurrentQueue<(string Queue, string Message, string? ConnectionId)> _consumed = new();

        public IReadOnlyList<(string Message, string? ConnectionId)> On(string queue) =>
            [.. _consumed.Where(c => c.Queue == queue).Select(c => (c.Message, c.ConnectionId))];

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            var connectionId = context.Message switch
            {
                IConnectionEvent e => e.ConnectionId,
                IPostEvent e => e.ConnectionId,
                _ => null,
            };
            _consumed.Enqueue((context.ReceiveContext.InputAddress.AbsolutePath.Split('/')[^1], typeof(T).Name, connectionId));
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }
}
