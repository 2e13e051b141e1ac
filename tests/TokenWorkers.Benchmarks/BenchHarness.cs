using System.Collections.Concurrent;
using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Benchmarks;

/// <summary>
/// One worker composed as in production on RabbitMQ (SQLite on disk, the sandbox over HTTP), plus another
/// service's bus that publishes the work and times the events it gets back.
/// </summary>
public sealed class BenchHarness : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, long> _arrivals = new();
    private int _batch;

    private BenchHarness(RabbitMqWorkerEnvironment environment)
    {
        Environment = environment;
        environment.OtherService.Delivered += message =>
        {
            var key = message switch
            {
                TokenRefreshed refreshed => "refreshed:" + refreshed.ConnectionId,
                PostPublished published => "post:" + published.PostId,
                _ => null,
            };
            if (key is not null)
            {
                _arrivals.TryAdd(key, Stopwatch.GetTimestamp());
            }
        };
    }

    public RabbitMqWorkerEnvironment Environment { get; }

    /// <summary>The worker as a process of its own, when started so (<see cref="StartOutOfProcessAsync"/>).</summary>
    public WorkerProcess? WorkerProcess { get; private init; }

    /// <summary>The worker's SQLite file, shared by its connection store and posting ledger; it counts their writes.</summary>
    public SqliteDatabase Database => Environment.Worker.Services.GetRequiredService<SqliteDatabase>();

    /// <summary>The worker's own concurrency per endpoint (its default), the C of the latency-bound case.</summary>
    public const int Concurrency = 64;

    public static async Task<BenchHarness> StartAsync(RabbitMqBroker broker, CancellationToken cancellationToken)
    {
        var environment = await RabbitMqWorkerEnvironment.StartAsync(broker, ownsBroker: false, cancellationToken);
        await environment.StartWorkerAsync(NoScan);
        return new BenchHarness(environment);
    }

    /// <summary>
    /// The same, but the worker is the built worker in a process of its own, as shipped (server GC, its own thread pool),
    /// so its CPU is counted apart from the sandbox's, the publisher's and the subscriber's, which stay in this process.
    /// </summary>
    public static async Task<BenchHarness> StartOutOfProcessAsync(RabbitMqBroker broker, CancellationToken cancellationToken)
    {
        var environment = await RabbitMqWorkerEnvironment.StartAsync(broker, ownsBroker: false, cancellationToken);
        await environment.OpenStoreAsync();
        var worker = await WorkerProcess.StartAsync(environment.WorkerSettings(NoScan), cancellationToken);
        return new BenchHarness(environment) { WorkerProcess = worker };
    }

    // The benchmark publishes RefreshDue itself, so the scan must not; a day is the longest interval allowed.
    private static Dictionary<string, string?> NoScan => new() { ["Refresh:ScanInterval"] = "1.00:00:00" };

    /// <summary>Fresh due connections for one run (a refreshed connection is no longer due).</summary>
    public async Task<IReadOnlyList<Connection>> SeedAsync(int count)
    {
        var batch = Interlocked.Increment(ref _batch);
        var seeded = new List<Connection>(count);
        foreach (var chunk in Enumerable.Range(0, count).Chunk(64))
        {
            var connections = await Task.WhenAll(chunk.Select(i => Environment.ConnectDueAsync($"bench-{batch}-{i:000000}")));
            seeded.AddRange(connections.Select(c => c.Connection));
        }

        return seeded;
    }

    /// <summary>Publishes RefreshDue for each connection and waits for every TokenRefreshed; per-connection latencies in ms.</summary>
    public async Task<(TimeSpan Elapsed, IReadOnlyList<double> LatenciesMs)> RefreshAllAsync(IReadOnlyList<Connection> connections, TimeSpan timeout)
    {
        var published = new ConcurrentDictionary<string, long>();
        var bus = Environment.OtherServiceBus;
        var start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (connection, token) =>
        {
            published[connection.ConnectionId] = Stopwatch.GetTimestamp();
            await bus.Publish(new RefreshDue
            {
                EventId = Guid.NewGuid(),
                ConnectionId = connection.ConnectionId,
                TenantId = connection.TenantId,
                Version = connection.Version,
                OccurredAt = DateTimeOffset.UtcNow,
                AccessTokenExpiresAt = connection.AccessTokenExpiresAt,
            }, token);
        });

        var keys = connections.Select(c => "refreshed:" + c.ConnectionId).ToArray();
        await WaitForAsync(keys, timeout);
        var end = keys.Max(k => _arrivals[k]);
        var latencies = connections.Select(c => Stopwatch.GetElapsedTime(published[c.ConnectionId], _arrivals["refreshed:" + c.ConnectionId]).TotalMilliseconds).ToArray();
        return (Stopwatch.GetElapsedTime(start, end), latencies);
    }

    /// <summary>The moment an event arrived, waiting for it if needed.</summary>
    public async Task<long> ArrivalOfPostAsync(string postId, TimeSpan timeout)
    {
        await WaitForAsync(["post:" + postId], timeout);
        return _arrivals["post:" + postId];
    }

    public async Task WaitForPostsAsync(IEnumerable<string> postIds, TimeSpan timeout) =>
        await WaitForAsync(postIds.Select(p => "post:" + p).ToArray(), timeout);

    public long LatestArrivalOfPosts(IEnumerable<string> postIds) => postIds.Max(p => _arrivals["post:" + p]);

    private async Task WaitForAsync(string[] keys, TimeSpan timeout)
    {
        // Each key is checked until it has arrived and never again: rescanning all of them every few milliseconds cost
        // about 1 % of the process's CPU, counted as the pipeline's.
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var arrived = 0;
        while (true)
        {
            while (arrived < keys.Length && _arrivals.ContainsKey(keys[arrived]))
            {
                arrived++;
            }

            if (arrived == keys.Length)
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"{keys.Count(k => !_arrivals.ContainsKey(k))} of {keys.Length} events did not arrive within {timeout}.");
            }

            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (WorkerProcess is not null)
        {
            await WorkerProcess.DisposeAsync();
        }

        await Environment.DisposeAsync();
    }
}
