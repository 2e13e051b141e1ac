using System.Collections.Concurrent;
using System.Net.Http.Json;
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
using TokenWorkers.Posts;
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
    private static readonly TimeSpan ScheduleLead = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(1);
    private readonly ConsumedMessages _consumed = new();
    private CapturedLog _log = new();
    private LinkedInSandbox _sandbox = null!;
    private WebApplication _app = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await LinkedInSandbox.StartAsync(cancellationToken: Cancel);
        // The demo's page poster is granted w_organization_social, as make run's sandbox app allows.
        _sandbox.Control.CreateApp(ClientId, ClientSecret, programmaticRefresh: true,
            allowedScopes: ["openid", "profile", "email", "w_member_social", "w_organization_social"]);
        _app = await StartHostAsync();
    }

    /// <summary>The demo host on the test's data directory and sandbox, started: a second call is a restart of the demo.</summary>
    private async Task<WebApplication> StartHostAsync()
    {
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
            // The demo's scheduled posts go out a few seconds after start (a minute in make run), released by a scan each second.
            ["Demo:ScheduleLead"] = ScheduleLead.ToString(),
            ["Publishing:ScanInterval"] = ScanInterval.ToString(),
        });
        builder.AddTokenWorkersDemo();
        builder.AddTokenWorkers(configureBus: bus => bus.AddTokenWorkersDemoConsumers());
        builder.Services.AddConsumeObserver(_ => _consumed);
        builder.Services.AddSingleton<ILogEventSink>(_log);
        var app = builder.Build();
        app.MapTokenWorkersEndpoints();
        await app.StartAsync(Cancel);
        return app;
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

    [Fact]
    public async Task The_demo_posts_as_its_page_schedules_a_post_cancels_another_and_deletes_one_and_the_subscriber_logs_each()
    {
        var startedAt = DateTimeOffset.UtcNow;
        var page = await PostReachesAsync(DemoPosts.PagePostId, PostState.Published);
        var scheduled = await PostReachesAsync(DemoPosts.ScheduledPostId, PostState.Published);
        var cancelled = await PostReachesAsync(DemoPosts.CancelledPostId, PostState.Cancelled);
        var deleted = await PostReachesAsync(DemoPosts.DeletedPostId, PostState.Deleted);
        var withImage = await PostReachesAsync(DemoPosts.ImagePostId, PostState.Published);

        // The cancelled post was due with the scheduled one: give the release scan two more turns to (wrongly) send it.
        var afterDue = cancelled.PublishAt!.Value + 2 * ScanInterval - DateTimeOffset.UtcNow;
        if (afterDue > TimeSpan.Zero)
        {
            await Task.Delay(afterDue, Cancel);
        }

        var atSandbox = await SandboxPostsAsync();
        var summary = string.Join('\n', atSandbox.Select(p => $"{p.Urn} by {p.Author} at {p.CreatedAt:o}: {p.Text}"));

        Assert.Equal(DemoPosts.PageUrn, Assert.Single(atSandbox, p => p.Urn == page.Urn).Author);

        var scheduledAtSandbox = Assert.Single(atSandbox, p => p.Urn == scheduled.Urn);
        Assert.True(scheduled.PublishAt >= startedAt + ScheduleLead - TimeSpan.FromSeconds(1), $"scheduled for {scheduled.PublishAt:o}, test started {startedAt:o}");
        Assert.True(scheduledAtSandbox.CreatedAt >= scheduled.PublishAt,
            $"{DemoPosts.ScheduledPostId} reached LinkedIn at {scheduledAtSandbox.CreatedAt:o}, before its time {scheduled.PublishAt:o}");

        Assert.Null(cancelled.Urn);
        Assert.DoesNotContain(atSandbox, p => p.Text == DemoPosts.Cancelled(default).Text);
        // alice's and bob's posts, the page's, the image post, the scheduled one and the deleted one; nothing twice, nothing
        // cancelled or held.
        Assert.True(atSandbox.Length == 6, summary);
        Assert.Single(Assert.Single(atSandbox, p => p.Urn == withImage.Urn).Images);

        Assert.NotNull(Assert.Single(atSandbox, p => p.Urn == deleted.Urn).DeletedAt);

        // One readable line per outcome, in the order a sender sees them.
        var lines = _log.Events.Select(e => e.Text).ToList();
        int Line(string prefix, string postId)
        {
            var index = lines.FindIndex(l => l.StartsWith(prefix, StringComparison.Ordinal) && l.Contains(postId, StringComparison.Ordinal));
            Assert.True(index >= 0, $"No \"{prefix}\" line for {postId}; the log:\n{string.Join('\n', lines)}");
            return index;
        }

        // Rendered as in the test sink, strings quoted (the console's template shows them bare).
        Assert.Contains($"as \"{DemoPosts.PageUrn}\" (via \"{DemoPosts.PagePoster}\") is \"{page.Urn}\"", lines[Line("Subscriber got PostPublished", DemoPosts.PagePostId)], StringComparison.Ordinal);
        Assert.True(Line("Subscriber got PostScheduled", DemoPosts.ScheduledPostId) < Line("Subscriber got PostPublished", DemoPosts.ScheduledPostId));
        Assert.True(Line("Subscriber got PostScheduled", DemoPosts.CancelledPostId) < Line("Subscriber got PostCancelled", DemoPosts.CancelledPostId));
        Assert.True(Line("Subscriber got PostPublished", DemoPosts.DeletedPostId) < Line("Subscriber got PostDeleted", DemoPosts.DeletedPostId));
        Assert.Contains(deleted.Urn!, lines[Line("Subscriber got PostDeleted", DemoPosts.DeletedPostId)], StringComparison.Ordinal);
        Assert.Contains("(Invalid)", lines[Line("Subscriber got PostFailed", "demo-post-empty")], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restarted_demo_resends_its_posts_and_nothing_goes_out_twice_or_fails()
    {
        await PostReachesAsync(DemoPosts.PagePostId, PostState.Published);
        await PostReachesAsync(DemoPosts.ScheduledPostId, PostState.Published);
        await PostReachesAsync(DemoPosts.CancelledPostId, PostState.Cancelled);
        await PostReachesAsync(DemoPosts.DeletedPostId, PostState.Deleted);
        var before = await SandboxPostsAsync();

        await _app.DisposeAsync();
        _log = new CapturedLog();
        _app = await StartHostAsync();

        // The second run's answers: each post's outcome announced again, the cancel and the delete sent again.
        string[] expected =
        [
            $"Subscriber got PostPublished: \"{DemoPosts.PagePostId}\"", $"Subscriber got PostPublished: \"{DemoPosts.ScheduledPostId}\"",
            $"Subscriber got PostCancelled: \"{DemoPosts.CancelledPostId}\"", $"Subscriber got PostDeleted: \"{DemoPosts.DeletedPostId}\"",
            $"Demo: sent CancelPost \"{DemoPosts.CancelledPostId}\"", $"Demo: \"{DemoPosts.DeletedPostId}\" is out as",
        ];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (expected.Where(line => !_log.Events.Any(e => e.Text.StartsWith(line, StringComparison.Ordinal))).ToList() is { Count: > 0 } missing)
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"Within 30 s of the restart the log had no {string.Join(", ", missing)}; the log:\n{string.Join('\n', _log.Events.Select(e => e.Text))}");
            await Task.Delay(100, Cancel);
        }

        var after = await SandboxPostsAsync();
        Assert.Equal(before.Select(Key).Order(StringComparer.Ordinal), after.Select(Key).Order(StringComparer.Ordinal));
        string[] planned = [DemoPosts.PagePostId, DemoPosts.ScheduledPostId, DemoPosts.CancelledPostId, DemoPosts.DeletedPostId, DemoPosts.ImagePostId];

        static string Key(SandboxPostView p) => $"{p.Urn} {p.Author} {p.CreatedAt:o} {p.DeletedAt:o} {string.Join(',', p.Images.Select(i => i.Urn))}";
        Assert.DoesNotContain(_log.Events, e => e.Level >= LogEventLevel.Warning && planned.Any(id => e.Text.Contains(id, StringComparison.Ordinal)));
    }

    private async Task<SandboxPostView[]> SandboxPostsAsync()
    {
        using var http = new HttpClient { BaseAddress = _sandbox.BaseAddress };
        return await http.GetFromJsonAsync<SandboxPostView[]>("_sandbox/posts", Cancel) ?? [];
    }

    /// <summary>The post's ledger entry once it is in <paramref name="state"/>; fails after 30 s with what the demo logged.</summary>
    private async Task<PostEntry> PostReachesAsync(string postId, PostState state)
    {
        var ledger = _app.Services.GetRequiredService<IPostLedger>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var entry = await ledger.FindAsync(postId, Cancel);
            if (entry?.State == state)
            {
                return entry;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"Within 30 s {postId} did not reach {state} (it is {entry?.State}); the log:\n{string.Join('\n', _log.Events.Select(e => e.Text))}");
            await Task.Delay(100, Cancel);
        }
    }

    private sealed record SandboxPostView(string Urn, string Author, string Text, DateTimeOffset CreatedAt, DateTimeOffset? DeletedAt)
    {
        public IReadOnlyList<SandboxImageView> Images { get; init; } = [];
    }

    private sealed record SandboxImageView(string Urn);

    /// <summary>The host's own log events, rendered.</summary>
    private sealed class CapturedLog : ILogEventSink
    {
        private readonly ConcurrentQueue<(int EventId, LogEventLevel Level, string Text)> _events = new();

        public IReadOnlyList<(int EventId, LogEventLevel Level, string Text)> Events => [.. _events];

        public void Emit(LogEvent logEvent)
        {
            ArgumentNullException.ThrowIfNull(logEvent);
            var id = logEvent.Properties.TryGetValue("EventId", out var value) && value is StructureValue structure
                && structure.Properties.FirstOrDefault(p => p.Name == "Id")?.Value is ScalarValue { Value: int number } ? number : 0;
            _events.Enqueue((id, logEvent.Level, logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture) + " " + logEvent.Exception));
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
