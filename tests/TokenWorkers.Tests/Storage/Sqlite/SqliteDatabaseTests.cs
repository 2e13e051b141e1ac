using Microsoft.Data.Sqlite;
using TokenWorkers.Storage.Sqlite;

namespace TokenWorkers.Tests.Storage.Sqlite;

/// <summary>The write counters that <c>make bench</c> reads to report writes and commits per refresh.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenworkers-database-").FullName;
    private readonly SqliteDatabase _database;

    public SqliteDatabaseTests() => _database = new SqliteDatabase(Path.Combine(_directory, SqliteConnectionStore.FileName));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_statement_is_counted_once_and_grouped_statements_share_commits()
    {
        await _database.ExecuteWriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)", _ => { }, Cancel);
        var (statements, commits) = (_database.WriteStatements, _database.Commits);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            _database.ExecuteWriteAsync("INSERT INTO t (id, v) VALUES (@id, 0)", p => p.AddWithValue("@id", i), Cancel)));

        Assert.Equal(200, _database.WriteStatements - statements);
        Assert.InRange(_database.Commits - commits, 1, 200);
    }

    [Fact]
    public async Task A_statement_that_changes_no_row_still_counts_as_a_write_and_a_commit()
    {
        await _database.ExecuteWriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)", _ => { }, Cancel);
        var (statements, commits) = (_database.WriteStatements, _database.Commits);

        var changed = await _database.ExecuteWriteAsync("UPDATE t SET v = 1 WHERE id = 42", _ => { }, Cancel);

        Assert.Equal(0, changed);
        Assert.Equal(1, _database.WriteStatements - statements);
        Assert.Equal(1, _database.Commits - commits);
    }

    [Fact]
    public async Task A_write_callback_counts_as_one_write_and_one_commit()
    {
        var (statements, commits) = (_database.WriteStatements, _database.Commits);

        await _database.WriteAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY)";
            return await command.ExecuteNonQueryAsync(Cancel);
        }, Cancel);

        Assert.Equal(1, _database.WriteStatements - statements);
        Assert.Equal(1, _database.Commits - commits);
    }

    public void Dispose()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
