using System.Diagnostics;
using System.Globalization;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;
using TokenWorkers.Refresh;
using TokenWorkers.Sandbox;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Benchmarks;

/// <summary>
/// Cases 4 and 5: the store's size. Each size gets its own SQLite file holding that many connections, of which
/// the same 10,000 are due. Case 4 times one scan finding and dispatching them; case 5 runs the worker as its own
/// process on the file and reads its peak resident set (VmHWM) after it has scanned and dispatched them.
/// </summary>
public static class StoreScaleCases
{
    public static async Task<IReadOnlyList<ResultRow>> RunAsync(RabbitMqBroker broker, BenchOptions options, CancellationToken cancellationToken)
    {
        var scan = options.StoreSizes.ToDictionary(size => size, _ => new Samples("ms"));
        var memory = options.StoreSizes.ToDictionary(size => size, _ => new Samples("MiB"));
        var summary = options.StoreSizes.ToDictionary(size => size, _ => new Samples("ms"));
        await using var sandbox = await LinkedInSandbox.StartAsync(cancellationToken: cancellationToken);
        sandbox.Control.CreateApp(RabbitMqWorkerEnvironment.ClientId, RabbitMqWorkerEnvironment.ClientSecret, programmaticRefresh: true);
        foreach (var size in options.StoreSizes)
        {
            for (var run = 0; run < options.Runs; run++)
            {
                var directory = Directory.CreateTempSubdirectory("tokenworkers-bench-store-").FullName;
                try
                {
                    var seeding = Stopwatch.StartNew();
                    await SeedAsync(directory, size, options.DueCount, cancellationToken);
                    Console.WriteLine($"  seeded {size:N0} connections ({options.DueCount:N0} due) in {seeding.Elapsed.TotalSeconds:0.0} s");
                    if (options.Cases.Contains(8))
                    {
                        summary[size].Add(await SummaryMillisecondsAsync(directory, size, cancellationToken));
                        Console.WriteLine($"  8 fleet summary {size:N0}: {summary[size].Values[^1]:N0} ms");
                    }

                    if (options.Cases.Contains(4))
                    {
                        scan[size].Add(await ScanMillisecondsAsync(directory, sandbox, options.DueCount, cancellationToken));
                        Console.WriteLine($"  4 scan {size:N0}: {scan[size].Values[^1]:N0} ms");
                    }

                    if (options.Cases.Contains(5))
                    {
                        await SeedAsync(directory, 0, options.DueCount, cancellationToken, reuse: true);
                        memory[size].Add(await PeakResidentMebibytesAsync(directory, sandbox, broker, options.DueCount, cancellationToken));
                        Console.WriteLine($"  5 memory {size:N0}: {memory[size].Values[^1]:N0} MiB");
                    }
                }
                finally
                {
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    Directory.Delete(directory, recursive: true);
                }
            }
        }

        var rows = new List<ResultRow>();
        var smallest = options.StoreSizes[0];
        var largest = options.StoreSizes[^1];
        if (options.Cases.Contains(4))
        {
            foreach (var size in options.StoreSizes)
            {
                var ratio = scan[size].Median / scan[smallest].Median;
                rows.Add(new ResultRow($"4. scan, {options.DueCount:N0} due of {size:N0}", "find and dispatch", scan[size],
                    $"{ratio:0.00}× the {smallest:N0} case", size == largest ? "<= 1.2×" : "", size == largest ? ratio <= 1.2 : null));
            }
        }

        if (options.Cases.Contains(5))
        {
            foreach (var size in options.StoreSizes)
            {
                var ratio = memory[size].Median / memory[smallest].Median;
                rows.Add(new ResultRow($"5. worker peak RSS, {size:N0} stored", "VmHWM", memory[size],
                    $"{ratio:0.00}× the {smallest:N0} case", size == largest ? "<= 1.2×" : "", size == largest ? ratio <= 1.2 : null));
            }
        }

        if (options.Cases.Contains(8))
        {
            foreach (var size in options.StoreSizes)
            {
                rows.Add(new ResultRow($"8. fleet summary, {size:N0} stored", "status page and gauges (full read)", summary[size],
                    $"{summary[size].Median / summary[smallest].Median:0.00}× the {smallest:N0} case", "", null));
            }
        }

        return rows;
    }

    /// <summary>One <see cref="IConnectionStore.SummarizeAsync"/> on a cold store: what a status page load or a gauge refresh costs.</summary>
    private static async Task<double> SummaryMillisecondsAsync(string directory, int size, CancellationToken cancellationToken)
    {
        using var store = new SqliteConnectionStore(
            Path.Combine(directory, SqliteConnectionStore.FileName), BenchEncryption.Protector(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteConnectionStore>.Instance);
        var start = Stopwatch.GetTimestamp();
        var fleet = await store.SummarizeAsync(cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return fleet.Total == size
            ? elapsed
            : throw new InvalidOperationException($"The summary counted {fleet.Total} of {size} connections.");
    }

    /// <summary>
    /// Writes <paramref name="size"/> connections in large transactions through the store's own row format and
    /// encryption; the first <paramref name="due"/> have 5 days left (due now), the rest 50 (due in 40 days).
    /// With <paramref name="reuse"/>, only re-arms the due ones (the scan of case 4 has claimed them).
    /// </summary>
    private static async Task SeedAsync(string directory, int size, int due, CancellationToken cancellationToken, bool reuse = false)
    {
        var path = Path.Combine(directory, SqliteConnectionStore.FileName);
        var protector = BenchEncryption.Protector();
        var schedule = new RefreshSchedule(new RefreshOptions { RefreshJitter = TimeSpan.Zero }.ToScheduleRules());
        using var database = new SqliteDatabase(path);
        using var store = new SqliteConnectionStore(database, protector, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteConnectionStore>.Instance);
        await store.InitializeAsync(cancellationToken);
        var now = DateTimeOffset.UtcNow;
        var sql = reuse ? SqliteSql.Insert.Replace("DO NOTHING", "DO UPDATE SET version = version + 1, next_refresh_at = excluded.next_refresh_at, document = excluded.document, oldest_pending_at = NULL", StringComparison.Ordinal) : SqliteSql.Insert;
        var count = reuse ? due : size;
        await database.WriteAsync(async connection =>
        {
            foreach (var chunk in Enumerable.Range(0, count).Chunk(50_000))
            {
                await using var transaction = connection.BeginTransaction();
                // One command, compiled once and rebound for each row, as the store's writer does.
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                foreach (var i in chunk)
                {
                    var granted = new TokenGranted(
                        new SecretToken($"AQX-bench-access-{i:0000000}"), TimeSpan.FromDays(i < due ? 5 : 50),
                        new SecretToken($"AQX-bench-refresh-{i:0000000}"), TimeSpan.FromDays(300), ["w_member_social"], now);
                    var row = ConnectionRow.From(NewConnections.FromGrant($"c-{i:0000000}", "t", granted.ToGrant(), schedule, now), 1, protector);
                    command.Parameters.Clear();
                    row.Bind(command.Parameters);
                    await command.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }

            // Every scan starts from a checkpointed file, as a long-running store is, not from a WAL full of seed rows.
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
            return count;
        }, cancellationToken);
    }

    private static Dictionary<string, string?> WorkerSettings(string directory, LinkedInSandbox sandbox) => new()
    {
        ["LinkedIn:OAuthBaseUrl"] = sandbox.BaseAddress.ToString(),
        ["LinkedIn:ApiBaseUrl"] = sandbox.BaseAddress.ToString(),
        ["LinkedIn:ClientId"] = RabbitMqWorkerEnvironment.ClientId,
        ["LinkedIn:ClientSecret"] = RabbitMqWorkerEnvironment.ClientSecret,
        ["Storage:DataDirectory"] = directory,
        ["Encryption:ActiveKeyId"] = BenchEncryption.KeyId,
        [$"Encryption:Keys:{BenchEncryption.KeyId}"] = BenchEncryption.Key,
        ["Serilog:MinimumLevel:Default"] = "Warning",
    };

    /// <summary>One scan on the worker's own composition; publishing goes to a bus with no consumers, so only the scan is timed.</summary>
    private static async Task<double> ScanMillisecondsAsync(string directory, LinkedInSandbox sandbox, int due, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Benchmark" });
        builder.Configuration.AddInMemoryCollection(WorkerSettings(directory, sandbox));
        builder.AddTokenWorkers();
        await using var worker = builder.Build();
        var sink = Bus.Factory.CreateUsingInMemory(_ => { });
        await sink.StartAsync(cancellationToken);
        try
        {
            // The worker's own scan and writer, publishing to the sink instead of the worker's (unstarted) bus.
            var services = worker.Services;
            var store = services.GetRequiredService<IConnectionStore>();
            var writer = ActivatorUtilities.CreateInstance<AggregateWriter<Connection>>(services, sink, store);
            var scanner = ActivatorUtilities.CreateInstance<RefreshScanner>(services, writer);
            var start = Stopwatch.GetTimestamp();
            var result = await scanner.ScanAsync(cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            return result.Claimed == due
                ? elapsed
                : throw new InvalidOperationException($"The scan dispatched {result.Claimed} of {due} due connections.");
        }
        finally
        {
            await sink.StopAsync(cancellationToken);
        }
    }

    /// <summary>The worker as its own process on the file, on RabbitMQ; its peak RSS once it has scanned and dispatched the due connections.</summary>
    private static async Task<double> PeakResidentMebibytesAsync(string directory, LinkedInSandbox sandbox, RabbitMqBroker broker, int due, CancellationToken cancellationToken)
    {
        var virtualHost = await broker.CreateVirtualHostAsync();
        var settings = WorkerSettings(directory, sandbox);
        settings["Refresh:ScanInterval"] = "00:00:02";
        settings["Transport:Kind"] = "RabbitMq";
        settings["Transport:RabbitMq:Host"] = broker.Host;
        settings["Transport:RabbitMq:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture);
        settings["Transport:RabbitMq:VirtualHost"] = virtualHost;
        settings["Transport:RabbitMq:Username"] = broker.Username;
        settings["Transport:RabbitMq:Password"] = broker.Password;
        try
        {
            await using var worker = await WorkerProcess.StartAsync(settings, cancellationToken);
            // The fake tokens are refused by the sandbox, so every due connection ends as ReauthRequired: the same
            // scan, dispatch, consume and event work at every store size.
            var deadline = DateTime.UtcNow.AddMinutes(5);
            while (sandbox.Control.Requests.Count(r => r.Endpoint == SandboxEndpoint.AccessToken) < due && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, cancellationToken);
            }

            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            var status = await File.ReadAllLinesAsync($"/proc/{worker.Id}/status", cancellationToken);
            var peak = status.First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            sandbox.Control.ResetRequests();
            return long.Parse(peak.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
        }
        finally
        {
            await broker.DeleteVirtualHostAsync(virtualHost);
        }
    }
}
