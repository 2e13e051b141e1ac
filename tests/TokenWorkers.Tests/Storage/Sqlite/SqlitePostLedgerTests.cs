using Microsoft.Data.Sqlite;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;
using TokenWorkers.Storage.Sqlite;

namespace TokenWorkers.Tests.Storage.Sqlite;

/// <summary>The ledger conformance suite on a SQLite file of its own.</summary>
public sealed class SqlitePostLedgerTests : PostLedgerConformanceTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenworkers-ledger-").FullName;
    private readonly List<SqlitePostLedger> _ledgers = [];

    protected override Task<IPostLedger> CreateLedgerAsync()
    {
        var ledger = new SqlitePostLedger(Path.Combine(_directory, SqliteConnectionStore.FileName));
        _ledgers.Add(ledger);
        return Task.FromResult<IPostLedger>(ledger);
    }

    protected override ValueTask DeleteDataAsync()
    {
        _ledgers.ForEach(l => l.Dispose());
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temp directory behind.
        }

        return ValueTask.CompletedTask;
    }
}
