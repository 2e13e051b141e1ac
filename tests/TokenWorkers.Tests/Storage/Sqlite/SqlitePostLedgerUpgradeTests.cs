using Microsoft.Data.Sqlite;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage.Sqlite;

/// <summary>A ledger written before posts had an outbox is upgraded at start-up, its entries kept.</summary>
public sealed class SqlitePostLedgerUpgradeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenworkers-ledger-upgrade-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string DatabasePath => Path.Combine(_directory, SqliteConnectionStore.FileName);

    [Fact]
    public async Task A_ledger_without_the_outbox_column_gains_it_and_keeps_its_entries()
    {
        // The posts table exactly as the previous release created it, with one entry.
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(Cancel);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE posts (
                    id TEXT NOT NULL PRIMARY KEY, connection_id TEXT NOT NULL, state TEXT NOT NULL,
                    version INTEGER NOT NULL, not_before INTEGER, document TEXT NOT NULL) STRICT;
                INSERT INTO posts VALUES ('p-old', 'c-1', 'Published', 3, NULL,
                    '{"content":{"text":"Hello","visibility":"Public"},"attempts":1,"urn":"urn:li:share:1","createdAt":1767600000000,"updatedAt":1767600000000}');
                """;
            await command.ExecuteNonQueryAsync(Cancel);
        }

        using var ledger = new SqlitePostLedger(DatabasePath);
        await ledger.InitializeAsync(Cancel);
        await ledger.InitializeAsync(Cancel); // idempotent

        var old = Assert.IsType<PostEntry>(await ledger.FindAsync("p-old", Cancel));
        Assert.Equal(PostState.Published, old.State);
        Assert.Equal("urn:li:share:1", old.Urn);
        Assert.Empty(old.PendingEvents);

        var withEvent = old with { PendingEvents = [Some.PendingEvent(old.UpdatedAt, nameof(PostPublished))] };
        Assert.NotNull(await ledger.TryUpdateAsync(withEvent, old.Version, Cancel));
        Assert.Equal("p-old", Assert.Single(await ledger.FindWithPendingEventsAsync(old.UpdatedAt.AddDays(1), 10, Cancel)).PostId);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temp directory behind.
        }
    }
}
