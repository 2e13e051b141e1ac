using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Telemetry;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Telemetry;

/// <summary>
/// A scripted scenario on the fake clock, read back through a <see cref="MeterListener"/> bound to this host's own
/// meters (other tests running in parallel have meters of the same name, in other scopes).
/// </summary>
public sealed class MetricsScenarioTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = new();
    private PipelineHost _host = null!;
    private MeterListener _listener = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await PipelineHost.StartAsync();
        var scope = _host.Services.GetRequiredService<IMeterFactory>();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == TokenWorkersMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
        // The instruments are created with the metrics service; resolve it now so the listener sees them from the start.
        _host.Services.GetRequiredService<TokenWorkersMetrics>();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Refreshes_posts_connections_and_the_fleet_time_to_dead_are_reported_as_they_happened()
    {
        await _host.ConnectAsync("m-ok");
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));
        var (flaky, _) = await _host.ConnectAsync("m-flaky");
        var (_, deadGrant) = await _host.ConnectAsync("m-dead");

        await _host.ScanAsync();
        _host.Sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.ServiceUnavailable);
        await _host.RefreshAsync("m-flaky", force: true);
        _host.Sandbox.Control.RevokeGrant(deadGrant.GrantId);
        await _host.RefreshAsync("m-dead", force: true);
        await _host.RefreshAsync("m-dead");
        await _host.PublishAsync(new PublishPost { PostId = "m-post-1", ConnectionId = "m-ok", Text = "Counted once" });
        await _host.PublishAsync(new PublishPost { PostId = "m-post-1", ConnectionId = "m-ok", Text = "Counted once" });
        await _host.PublishAsync(new PublishPost { PostId = "m-post-empty", ConnectionId = "m-ok", Text = " " });
        await _host.PublishAsync(new PublishPost { PostId = "m-post-waits", ConnectionId = "m-dead", Text = "After reconnecting" });
        await _host.Services.GetRequiredService<FleetMonitor>().GetAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        _listener.RecordObservableInstruments();

        Assert.Equal(1, Sum("tokenworkers.refreshes", ("outcome", "refreshed"), ("trigger", "scheduled")));
        Assert.Equal(1, Sum("tokenworkers.refreshes", ("outcome", "transient"), ("trigger", "forced")));
        Assert.Equal(1, Sum("tokenworkers.refreshes", ("outcome", "reauth"), ("trigger", "forced")));
        Assert.Equal(3, Sum("tokenworkers.refreshes"));
        Assert.Equal(1, Sum("tokenworkers.refreshes.skipped", ("reason", "not_active")));
        var durations = Values("tokenworkers.refresh.duration");
        Assert.Equal(3, durations.Count);
        Assert.All(durations, d => Assert.InRange(d, 0, 30));

        Assert.Equal(1, Sum("tokenworkers.posts", ("outcome", "published"), ("app", "default")));
        // The blank post is refused before its connection is read: its app is not known.
        Assert.Equal(1, Sum("tokenworkers.posts", ("outcome", "failed"), ("app", TokenWorkersMetrics.UnknownApp)));
        Assert.Equal(1, Sum("tokenworkers.posts", ("outcome", "waiting"), ("app", "default")));
        Assert.Single(_host.LinkedInPosts);

        Assert.Equal(2, Sum("tokenworkers.connections", ("status", "active")));
        Assert.Equal(1, Sum("tokenworkers.connections", ("status", "reauth_required")));
        Assert.Equal(0, Sum("tokenworkers.connections", ("status", "disconnected")));
        var active = new[] { await _host.GetAsync("m-ok"), await _host.GetAsync("m-flaky") };
        var earliestExpiry = active.Min(c => c.AccessTokenExpiresAt!.Value);
        var earliestEnd = active.Min(c => c.RefreshTokenExpiresAt!.Value);
        Assert.Equal((earliestExpiry - _host.Now).TotalSeconds, Assert.Single(Values("tokenworkers.fleet.access_token.time_to_expiry")), 3.0);
        Assert.Equal((earliestEnd - _host.Now).TotalSeconds, Assert.Single(Values("tokenworkers.fleet.refresh_token.time_to_end")), 3.0);
        // m-ok's refresh token was granted 50 days before m-flaky's: its hard end is the fleet's next.
        Assert.InRange((earliestEnd - _host.Now).TotalSeconds, TimeSpan.FromDays(315).TotalSeconds - 120, TimeSpan.FromDays(315).TotalSeconds + 120);
        Assert.Equal(flaky.AccessTokenExpiresAt, (await _host.GetAsync("m-flaky")).AccessTokenExpiresAt);
    }

    [Fact]
    public async Task Connections_flagged_unreadable_and_connections_per_key_id_are_gauged()
    {
        await _host.ConnectAsync("m-a");
        await _host.ConnectAsync("m-b");
        await _host.ConnectAsync("m-bad");
        await SqliteBadRows.BreakAsync(Path.Combine(_host.DataDirectory, SqliteConnectionStore.FileName), "m-bad", BadRow.UnknownKey);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await _host.ScanAsync();
        await _host.Services.GetRequiredService<FleetMonitor>().GetAsync(TimeSpan.Zero, TestContext.Current.CancellationToken);
        await _host.Services.GetRequiredService<KeyUsageMonitor>().RefreshAsync(TestContext.Current.CancellationToken);
        _listener.RecordObservableInstruments();

        Assert.Equal(1, Sum("tokenworkers.connections.unreadable"));
        Assert.Equal(2, Sum("tokenworkers.connections.by_key_id", ("key_id", "test-1")));
        Assert.Equal(1, Sum("tokenworkers.connections.by_key_id", ("key_id", SqliteBadRows.RetiredKeyId)));
        Assert.Equal(3, Sum("tokenworkers.connections.by_key_id"));
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, string?>();
        foreach (var (key, tagValue) in tags)
        {
            copy[key] = tagValue?.ToString();
        }

        _measurements.Enqueue((instrument.Name, value, copy));
    }

    private List<double> Values(string instrument, params (string Key, string Value)[] tags) =>
        [.. _measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && v == t.Value)).Select(m => m.Value)];

    private double Sum(string instrument, params (string Key, string Value)[] tags) => Values(instrument, tags).Sum();
}
