using System.Diagnostics;
using System.Globalization;
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

    // From LinkedIn's answer to the answer stored by the instance that asked: a call answered longer than this before
    // the kill was stored, and must never be repeated.
    private static readonly TimeSpan AnswerToStored = TimeSpan.FromSeconds(2);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_worker_process_killed_mid_run_leaves_nothing_lost_and_repeats_only_its_calls_in_flight_at_the_kill()
    {
        await using var environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        // The doomed instance calls the sandbox by another name, so the sandbox's record tells its calls apart.
        var doomedAddress = environment.SandboxAddressAs("localhost");
        var doomedHost = new Uri(doomedAddress).Authority;
        await using var workers = await WorkerProcesses.StartAsync(
        [
            environment.WorkerSettings(new Dictionary<string, string?>(FastRecovery) { ["LinkedIn:OAuthBaseUrl"] = doomedAddress }),
            environment.WorkerSettings(FastRecovery),
            environment.WorkerSettings(FastRecovery),
        ],
            Cancel);
        var doomed = workers[0];
        await environment.OpenStoreAsync();
        environment.Sandbox.Control.SetLatency(TimeSpan.FromMilliseconds(250), SandboxEndpoint.AccessToken);

        const int count = 900;
        var grants = await RefreshedFleet.SeedAsync(environment, "killed", count);
        var clock = Stopwatch.StartNew();
        var recorder = environment.OtherService;
        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>().Count >= count / 6,
            "the first refreshes before the kill", TimeSpan.FromMinutes(2));
        var doneBeforeKill = recorder.Of<TokenRefreshed>().Count;
        var killing = DateTimeOffset.UtcNow;
        doomed.KillAbruptly();
        var killed = DateTimeOffset.UtcNow;

        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>().Count >= count,
            $"{count} TokenRefreshed events after the kill", TimeSpan.FromMinutes(3));
        clock.Stop();
        Assert.All(workers.All.Skip(1), survivor => Assert.False(survivor.HasExited, survivor.Output));

        var repeated = await RefreshedFleet.AssertNothingLostAsync(environment, grants);
        // A call of the killed instance that LinkedIn answered too late for it to store, or after it died, cannot be known
        // to the others: its lease runs out and a survivor exchanges the connection again. That is the only repeat allowed:
        // once, and only for a call that was in flight at the kill.
        bool InFlightAtKill(SandboxRequest call) =>
            call.Host == doomedHost && call.Time <= killed && call.AnsweredAt >= killing - AnswerToStored;
        var inFlight = RefreshedFleet.RefreshCallsByGrant(environment).Values.SelectMany(calls => calls).Where(InFlightAtKill).ToList();
        var unexplained = repeated.Where(r => r.Count != 2 || !InFlightAtKill(r[0]) || r[1].Host == doomedHost || r[1].Time <= killed).ToList();
        Assert.True(unexplained.Count == 0,
            $"repeated exchanges not explained by a call of the killed instance in flight at the kill ({killing:O} to {killed:O}, " +
            $"killed instance's host {doomedHost}):\n{string.Join("\n", unexplained.Select(Describe))}");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"kill test: {count} connections, 3 processes, one SIGKILLed after {doneBeforeKill} refreshes; {inFlight.Count} of its calls " +
            $"answered after the kill or less than {AnswerToStored.TotalSeconds:0} s before it ({inFlight.Count(c => c.AnsweredAt > killing)} after it); " +
            $"{environment.RefreshExchangesByGrant().Sum(e => e.Value.Count)} exchanges, {repeated.Count} repeated " +
            $"(first answers at {string.Join(", ", repeated.Select(r => $"{(r[0].AnsweredAt - killing).TotalMilliseconds:+0;-0} ms"))} from the kill); " +
            $"{clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task The_broker_restarted_mid_run_is_reconnected_to_and_the_work_completes()
    {
        var broker = await RabbitMqBroker.StartDedicatedAsync();
        await using var environment = await RabbitMqWorkerEnvironment.StartAsync(broker, ownsBroker: true, Cancel);
        await environment.StartWorkerAsync(FastRecovery);
        environment.Sandbox.Control.SetLatency(TimeSpan.FromMilliseconds(100), SandboxEndpoint.AccessToken);

        const int count = 400;
        var grants = await RefreshedFleet.SeedAsync(environment, "restart", count);
        var clock = Stopwatch.StartNew();
        var recorder = environment.OtherService;
        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>().Count >= count / 5,
            "the first refreshes before the restart", TimeSpan.FromMinutes(2));
        var doneBeforeRestart = recorder.Of<TokenRefreshed>().Count;
        await broker.RestartAsync(downtime: TimeSpan.FromSeconds(5));

        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>().Count >= count,
            $"{count} TokenRefreshed events after the restart", TimeSpan.FromMinutes(3));
        clock.Stop();

        var repeated = await RefreshedFleet.AssertNothingLostAsync(environment, grants);
        Assert.InRange(repeated.Count, 0, InFlightPerInstance);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"restart test: {count} connections, broker down 5 s after {doneBeforeRestart} refreshes; " +
            $"{environment.RefreshExchangesByGrant().Sum(e => e.Value.Count)} exchanges, {repeated.Count} repeated; {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static string Describe(List<SandboxRequest> exchanges) =>
        string.Join(" | ", exchanges.Select(e => $"grant {e.GrantId} by {e.Host} arrived {e.Time:O} answered {e.AnsweredAt:O}"));
}
