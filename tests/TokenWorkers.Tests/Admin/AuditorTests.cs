using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using TokenWorkers.Ports;
using TokenWorkers.Runtime;
using TokenWorkers.Storage.Sqlite;

namespace TokenWorkers.Tests.Admin;

/// <summary>The audit trail's retention on a fake clock and a real SQLite file: a year of records is not waited out.</summary>
public sealed class AuditorTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenworkers-audit-").FullName;
    private SqliteDatabase _database = null!;
    private SqliteAuditTrail _trail = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase(Path.Combine(_directory, SqliteConnectionStore.FileName));
        _trail = new SqliteAuditTrail(_database);
        await _trail.InitializeAsync(Cancel);
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Records_past_the_retention_are_deleted_as_new_ones_arrive()
    {
        var auditor = new Auditor(_trail, Microsoft.Extensions.Options.Options.Create(new AuditOptions { Retention = TimeSpan.FromDays(30) }),
            _time, NullLogger<Auditor>.Instance);

        await auditor.RecordAsync("ops", "POST /admin/x", "first", 200);
        _time.Advance(TimeSpan.FromDays(31));
        await auditor.RecordAsync("ops", "POST /admin/x", "second", 200);
        var afterFirstPrune = await Targets();
        _time.Advance(TimeSpan.FromDays(31) - TimeSpan.FromMinutes(30));
        await auditor.RecordAsync("ops", "POST /admin/x", "third", 200);

        Assert.Equal(["second"], afterFirstPrune);
        // Pruned when "third" arrived (an hour had passed): "second" is 31 days old by then.
        Assert.Equal(["third"], await Targets());
    }

    private async Task<string?[]> Targets() => [.. (await _trail.ListAsync(new AuditQuery(10), Cancel)).Select(r => r.Target)];
}
