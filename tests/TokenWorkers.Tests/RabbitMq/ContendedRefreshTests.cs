using System.Diagnostics;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// "Exactly once" across processes, with nothing going wrong but contention: three worker processes (the built worker,
/// separate operating-system processes) on one SQLite file and one real broker, every RefreshDue delivered to every
/// instance (<see cref="RefreshDueFanout"/>), so the instances race for every connection through the store alone.
/// LinkedIn, as the sandbox records it, must see one refresh call per connection, not one more.
/// </summary>
public sealed class ContendedRefreshTests
{
    private const int Instances = 3;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Three_worker_processes_each_given_every_RefreshDue_exchange_each_connection_exactly_once()
    {
        await using var environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        List<string> virtualHosts = [environment.VirtualHost];
        while (virtualHosts.Count < Instances)
        {
            if (await environment.AddVirtualHostAsync() is not { } virtualHost)
            {
                Assert.Skip("An external broker (RABBITMQ_URL) gives every test its default virtual host; this test needs one per instance.");
                return;
            }

            virtualHosts.Add(virtualHost);
        }

        await using var workers = await WorkerProcesses.StartAsync(
            virtualHosts.Select(v => environment.WorkerSettings(new Dictionary<string, string?>(WorkerLogs.RefreshDecisions())
            {
                ["Transport:RabbitMq:VirtualHost"] = v,
                ["Transport:RabbitMq:PrefetchCount"] = "16",
                ["Transport:RabbitMq:ConcurrentMessageLimit"] = "16",
            })),
            Cancel);
        await using var fanout = await RefreshDueFanout.StartAsync(environment.Broker, virtualHosts, Cancel);
        await environment.OpenStoreAsync();
        environment.Sandbox.Control.SetLatency(TimeSpan.FromMilliseconds(100), SandboxEndpoint.AccessToken);

        const int count = 300;
        var grants = await RefreshedFleet.SeedAsync(environment, "contended", count);
        var clock = Stopwatch.StartNew();
        var recorder = environment.OtherService;
        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>().Count >= count,
            $"{count} TokenRefreshed events at the other service", TimeSpan.FromMinutes(2));
        IReadOnlyList<(string ConnectionId, string Outcome)>[] Decisions() => [.. workers.All.Select(w => WorkerLogs.RefreshDecisions(w.Output))];
        await PipelineHost.WaitUntilAsync(() => Decisions().Sum(d => d.Count) >= fanout.Deliveries,
            "every instance to handle every RefreshDue", TimeSpan.FromMinutes(1));
        clock.Stop();

        var repeated = await RefreshedFleet.AssertNothingLostAsync(environment, grants);
        Assert.Empty(repeated);
        // Not even a refused second try: one refresh call per connection, answered 200.
        var calls = RefreshedFleet.RefreshCallsByGrant(environment);
        Assert.All(grants, g => Assert.Equal(200, Assert.Single(calls[g.Value]).Status));
        Assert.All(workers.All, w => Assert.False(w.HasExited, w.Output));

        // The contention was real: every instance handled a RefreshDue for every connection, one refreshed it, the
        // others found it leased or already done.
        var decisions = Decisions();
        Assert.All(decisions, d => Assert.Equal(grants.Keys.Order(), d.Select(x => x.ConnectionId).Distinct().Order()));
        Assert.All(grants.Keys, id => Assert.Single(decisions.SelectMany(d => d), x => x.ConnectionId == id && x.Outcome == "Refreshed"));
        Assert.All(decisions, d => Assert.Contains(d, x => x.Outcome == "Refreshed"));
        var outcomes = decisions.SelectMany(d => d).GroupBy(x => x.Outcome).Select(g => $"{g.Key} {g.Count()}");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"contended: {count} connections, {Instances} processes, {fanout.Announced} RefreshDue announced, {fanout.Deliveries} delivered; " +
            $"decisions: {string.Join(", ", outcomes)}; refreshed per instance: {string.Join("/", decisions.Select(d => d.Count(x => x.Outcome == "Refreshed")))}; " +
            $"{calls.Sum(c => c.Value.Count)} refresh calls; {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
