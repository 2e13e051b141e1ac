using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Ports;
using TokenWorkers.Storage.Sqlite;

namespace TokenWorkers.Benchmarks;

/// <summary>
/// Case 11: the store's part of one refresh (the read, then the lease, the answer with its event and the outbox clear)
/// through the SQLite store on a file of 10,000 connections, 32 refreshes at a time as consumers write (group commit),
/// with no broker and no LinkedIn. Run on the file as the store lays it out, and again without the two indexes on the document's expiries
/// (expressions SQLite evaluates by parsing the document on every write that changes it), which bounds what any other
/// way of indexing the expiries (columns of their own, say) could save: it would still maintain two indexes.
/// </summary>
public static class StoreWriteCase
{
    private const int Stored = 10_000;
    private const int Parallelism = 32;

    private static readonly string DropExpiryIndexes = $"DROP INDEX {SqliteSql.AccessExpiryIndex}; DROP INDEX {SqliteSql.RefreshEndIndex};";

    /// <summary>
    /// CPU of this process per refresh (ms), on the file as laid out and without the expiry indexes. The layout measured
    /// second runs on warmer code, so <paramref name="withoutFirst"/> lets the caller alternate the order between runs.
    /// </summary>
    public static async Task<(double AsLaidOut, double WithoutExpiryIndexes)> RunAsync(int refreshes, bool withoutFirst, CancellationToken cancellationToken)
    {
        if (withoutFirst)
        {
            var without = await CpuPerRefreshAsync(refreshes, withoutExpiryIndexes: true, cancellationToken);
            return (await CpuPerRefreshAsync(refreshes, withoutExpiryIndexes: false, cancellationToken), without);
        }

        var asLaidOut = await CpuPerRefreshAsync(refreshes, withoutExpiryIndexes: false, cancellationToken);
        return (asLaidOut, await CpuPerRefreshAsync(refreshes, withoutExpiryIndexes: true, cancellationToken));
    }

    private static async Task<double> CpuPerRefreshAsync(int refreshes, bool withoutExpiryIndexes, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("tokenworkers-bench-writes-").FullName;
        try
        {
            var protector = BenchEncryption.Protector();
            using var database = new SqliteDatabase(Path.Combine(directory, SqliteConnectionStore.FileName));
            using var store = new SqliteConnectionStore(database, protector, NullLogger<SqliteConnectionStore>.Instance);
            await store.InitializeAsync(cancellationToken);
            // The store's writes are timed, not the refresh schedule: any instant will do, and a fixed one repeats exactly.
            var now = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
            var connections = await SeedAsync(store, now, cancellationToken);
            if (withoutExpiryIndexes)
            {
                await database.WriteAsync(async connection =>
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = DropExpiryIndexes;
                    return await command.ExecuteNonQueryAsync(cancellationToken);
                }, cancellationToken);
            }

            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            await Parallel.ForEachAsync(
                connections.Take(refreshes),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (connection, token) => await RefreshAsync(store, connection, now, token));
            return (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / refreshes;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>What a refresh reads and stores: the connection, the lease, then the new tokens with TokenRefreshed, then the outbox cleared.</summary>
    private static async Task RefreshAsync(SqliteConnectionStore store, Connection seeded, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stored = await store.FindAsync(seeded.ConnectionId, cancellationToken)
            ?? throw new InvalidOperationException($"{seeded.ConnectionId} was not found.");
        var leased = await store.TryUpdateAsync(stored with { Lease = new Lease("bench/lease", now.AddSeconds(30)) }, stored.Version, cancellationToken)
            ?? throw new InvalidOperationException($"The lease write on {stored.ConnectionId} lost.");
        var refreshed = new TokenRefreshed
        {
            EventId = Guid.NewGuid(),
            ConnectionId = leased.ConnectionId,
            TenantId = leased.TenantId,
            Version = leased.Version + 1,
            OccurredAt = now,
            AccessTokenExpiresAt = now.AddDays(60),
        };
        var answered = leased with
        {
            Lease = null,
            AccessToken = new SecretToken($"AQX-bench-access-new-{leased.ConnectionId}"),
            AccessTokenExpiresAt = now.AddDays(60),
            LastRefreshedAt = now,
        };
        var written = await store.TryUpdateAsync(answered.WithEvents(refreshed), leased.Version, cancellationToken)
            ?? throw new InvalidOperationException($"The answer write on {stored.ConnectionId} lost.");
        if (!await store.TryClearPendingEventsAsync(written.ConnectionId, written.Version, cancellationToken))
        {
            throw new InvalidOperationException($"The outbox clear on {stored.ConnectionId} lost.");
        }
    }

    private static async Task<IReadOnlyList<Connection>> SeedAsync(SqliteConnectionStore store, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var schedule = new RefreshSchedule(new Refresh.RefreshOptions { RefreshJitter = TimeSpan.Zero }.ToScheduleRules());
        var seeded = new List<Connection>(Stored);
        foreach (var chunk in Enumerable.Range(0, Stored).Chunk(Parallelism * 8))
        {
            var inserted = await Task.WhenAll(chunk.Select(i =>
            {
                var grant = new TokenGranted(
                    new SecretToken($"AQX-bench-access-{i:000000}"), TimeSpan.FromDays(5),
                    new SecretToken($"AQX-bench-refresh-{i:000000}"), TimeSpan.FromDays(300), ["w_member_social"], now).ToGrant();
                return store.TryInsertAsync(NewConnections.FromGrant($"c-{i:000000}", "t", grant, schedule, now), cancellationToken);
            }));
            seeded.AddRange(inserted.Select(c => c ?? throw new InvalidOperationException("A seeded connection already existed.")));
        }

        return seeded;
    }
}
