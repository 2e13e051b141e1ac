using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// Failures of the parts around the worker on a real broker: an instance killed with SIGKILL while it holds
/// leases and unacknowledged messages, and the broker itself stopped and started mid-run. Real clock, sandbox
/// over HTTP with a latency so that work is in flight when the failure strikes, SQLite on disk shared by every
/// instance.
/// </summary>
public sealed class WorkerResilienceTests
{
    // Per instance: at most this many refreshes in flight, so at most this many can be caught mid-call by a failure.
    private const int InFlightPerInstance = 8;

    private static readonly Dictionary<string, string?> FastRecovery = new()
    {
        // One machine, one clock: no skew to tolerate, so the shortest lease start-up accepts is the request timeout plus 5 s.
        ["Refresh:ClockSkewTolerance"] = "00:00:00",
        ["LinkedIn:RequestTimeout"] = "00:00:03",
        ["Publishing:ClaimDuration"] = "00:00:10",
        ["Refresh:LeaseDuration"] = "00:00:08",
        ["Refresh:ClaimTimeout"] = "00:00:12",
        ["Refresh:RetryBaseDelay"] = "00:00:01",
        ["Refresh:RetryMaxDelay"] = "00:00:05",
        ["Transport:RabbitMq:PrefetchCount"] = InFlightPerInstance.ToString(CultureInfo.InvariantCulture),
        ["Transport:RabbitMq:ConcurrentMessageLimit"] = InFlightPerInstance.ToString(CultureInfo.InvariantCulture),
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_worker_process_killed_mid_run_leaves_nothing_lost_and_only_its_in_flight_calls_repeated()
    {
        await using var environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        await environment.StartWorkerAsync(FastRecovery);
        await using var doomed = await WorkerProcess.StartAsync(environment.WorkerSettings(FastRecovery), Cancel);
        await using var survivor = await WorkerProcess.StartAsync(environment.WorkerSettings(FastRecovery), Cancel);
        environment.Sandbox.Control.SetLatency(TimeSpan.FromMilliseconds(250), SandboxEndpoint.AccessToken);

        const int count = 900;
        var grants = await SeedAsync(environment, "killed", count);
        var clock = Stopwatch.StartNew();
        var recorder = environment.OtherService;
        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>().Count >= count / 6,
            "the first refreshes before the kill", TimeSpan.FromMinutes(2));
        var killedAt = DateTimeOffset.UtcNow;
        var doneBeforeKill = recorder.Of<TokenRefreshed>().Count;
        doomed.KillAbruptly();

        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>().Count >= count,
            $"{count} TokenRefreshed events after the kill", TimeSpan.FromMinutes(3));
        clock.Stop();
        Assert.False(survivor.HasExited, survivor.Output);

        var repeated = await AssertNothingLostAsync(environment, grants);
        // A call that reached LinkedIn just before the kill cannot be known to the others: its lease runs out and
        // the connection is exchanged again. Only calls in flight at the kill may repeat, and only once.
        Assert.InRange(repeated.Count, 0, InFlightPerInstance);
        Assert.All(repeated, r => Assert.True(r[0].Time <= killedAt.AddSeconds(1), $"first exchange at {r[0].Time:O}, kill at {killedAt:O}"));
        Assert.All(repeated, r => Assert.Equal(2, r.Count));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"kill test: {count} connections, 3 instances, one SIGKILLed after {doneBeforeKill} refreshes; " +
            $"{environment.RefreshExchangesByGrant().Sum(e => e.Value.Count)} exchanges, {repeated.Count} repeated; {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task The_broker_restarted_mid_run_is_reconnected_to_and_the_work_completes()
    {
        var broker = await RabbitMqBroker.StartDedicatedAsync();
        await using var environment = await RabbitMqWorkerEnvironment.StartAsync(broker, ownsBroker: true, Cancel);
        await environment.StartWorkerAsync(FastRecovery);
        environment.Sandbox.Control.SetLatency(TimeSpan.FromMilliseconds(100), SandboxEndpoint.AccessToken);

        const int count = 400;
        var grants = await SeedAsync(environment, "restart", count);
        var clock = Stopwatch.StartNew();
        var recorder = environment.OtherService;
        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>().Count >= count / 5,
            "the first refreshes before the restart", TimeSpan.FromMinutes(2));
        var doneBeforeRestart = recorder.Of<TokenRefreshed>().Count;
        await broker.RestartAsync(downtime: TimeSpan.FromSeconds(5));

        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>().Count >= count,
            $"{count} TokenRefreshed events after the restart", TimeSpan.FromMinutes(3));
        clock.Stop();

        var repeated = await AssertNothingLostAsync(environment, grants);
        Assert.InRange(repeated.Count, 0, InFlightPerInstance);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"restart test: {count} connections, broker down 5 s after {doneBeforeRestart} refreshes; " +
            $"{environment.RefreshExchangesByGrant().Sum(e => e.Value.Count)} exchanges, {repeated.Count} repeated; {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static async Task<Dictionary<string, string>> SeedAsync(RabbitMqWorkerEnvironment environment, string prefix, int count)
    {
        // In parallel, so that most of the work is still ahead when the failure strikes.
        var seeded = await Task.WhenAll(Enumerable.Range(0, count).Select(i => environment.ConnectDueAsync($"{prefix}-{i:0000}")));
        return seeded.ToDictionary(s => s.Connection.ConnectionId, s => s.Grant.GrantId);
    }

    /// <summary>
    /// Every connection was exchanged at least once, holds its new 60-day token, no lease and no unsent event,
    /// and its TokenRefreshed reached the other service. Returns the exchanges of the connections exchanged more than once.
    /// </summary>
    private static async Task<List<List<SandboxRequest>>> AssertNothingLostAsync(RabbitMqWorkerEnvironment environment, Dictionary<string, string> grants)
    {
        var store = environment.Store;
        await PipelineHost.WaitUntilAsync(async () => (await store.FindWithPendingEventsAsync(DateTimeOffset.UtcNow, 1, Cancel)).Count == 0,
            "the outbox to drain", TimeSpan.FromMinutes(1));
        var exchanges = environment.RefreshExchangesByGrant();
        Assert.All(grants, g => Assert.True(exchanges.ContainsKey(g.Value), $"{g.Key} was never exchanged"));
        var refreshed = environment.OtherService.Of<TokenRefreshed>().Select(e => e.ConnectionId).ToHashSet();
        Assert.All(grants.Keys, id => Assert.Contains(id, refreshed));
        Assert.Empty(environment.OtherService.Of<ReauthRequired>());
        foreach (var connectionId in grants.Keys)
        {
            var stored = await store.FindAsync(connectionId, Cancel);
            Assert.NotNull(stored);
            Assert.Equal(ConnectionStatus.Active, stored.Status);
            Assert.Null(stored.Lease);
            Assert.Empty(stored.PendingEvents);
            Assert.True(stored.AccessTokenExpiresAt > DateTimeOffset.UtcNow.AddDays(50), $"{connectionId} expires {stored.AccessTokenExpiresAt:O}");
        }

        return [.. exchanges.Values.Where(e => e.Count > 1)];
    }
}
