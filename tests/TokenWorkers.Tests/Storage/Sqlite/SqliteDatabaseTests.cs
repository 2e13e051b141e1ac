using Microsoft.Data.Sqlite;
using TokenWorkers.Storage.Sqlite;

namespace TokenWorkers.Tests.Storage.Sqlite;

/// <summary>
/// The writer connection and its reused statements, the settings every connection runs with, the group commit's failure
/// handling, and the write counters that <c>make bench</c> reads to report writes and commits per refresh.
/// </summary>
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

    [Fact]
    public async Task The_writer_connection_commits_with_synchronous_full_and_waits_on_the_busy_timeout()
    {
        await _database.ExecuteWriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)", _ => { }, Cancel);

        var (synchronous, busyTimeout) = await _database.OnWriterAsync(async connection =>
            (await ScalarAsync(connection, "PRAGMA synchronous"), await ScalarAsync(connection, "PRAGMA busy_timeout")), Cancel);

        Assert.Equal(2L, synchronous); // FULL
        Assert.Equal(10_000L, busyTimeout);
    }

    [Fact]
    public async Task A_pooled_read_connection_keeps_its_settings_when_the_pool_hands_it_out_again()
    {
        SQLitePCL.sqlite3 first;
        await using (var connection = await _database.OpenAsync(Cancel))
        {
            first = connection.Handle!;
            Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous"));
        }

        await using (var connection = await _database.OpenAsync(Cancel))
        {
            Assert.Same(first, connection.Handle);
            Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous"));
            Assert.Equal(10_000L, await ScalarAsync(connection, "PRAGMA busy_timeout"));
        }
    }

    [Fact]
    public async Task A_statement_run_again_binds_only_its_new_parameters()
    {
        await _database.ExecuteWriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", _ => { }, Cancel);
        const string Insert = "INSERT INTO t (id, v) VALUES (@id, @v)";

        await _database.ExecuteWriteAsync(Insert, p => { p.AddWithValue("@id", 1); p.AddWithValue("@v", "one"); }, Cancel);
        await _database.ExecuteWriteAsync(Insert, p => { p.AddWithValue("@id", 2); p.AddWithValue("@v", DBNull.Value); }, Cancel);
        await _database.ExecuteWriteAsync(Insert, p => { p.AddWithValue("@id", 3); p.AddWithValue("@v", "three"); }, Cancel);

        Assert.Equal("1=one,2=null,3=three", await ReadAllAsync());
    }

    [Fact]
    public async Task A_statement_that_fails_fails_alone_and_the_writer_goes_on()
    {
        await _database.ExecuteWriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", _ => { }, Cancel);
        const string Insert = "INSERT INTO t (id, v) VALUES (@id, 'x')";
        await _database.ExecuteWriteAsync(Insert, p => p.AddWithValue("@id", 1), Cancel);

        // Queued behind a held gate, the three commit as one batch, which the duplicate key fails as a whole.
        var writes = await QueuedTogetherAsync(
            p => p.AddWithValue("@id", 2), p => p.AddWithValue("@id", 1), p => p.AddWithValue("@id", 3));
        await Assert.ThrowsAsync<SqliteException>(() => writes[1]);
        await _database.ExecuteWriteAsync(Insert, p => p.AddWithValue("@id", 4), Cancel);

        Assert.Equal(1, await writes[0]);
        Assert.Equal(1, await writes[2]);
        Assert.Equal("1=x,2=x,3=x,4=x", await ReadAllAsync());
    }

    [Fact]
    public async Task A_write_whose_parameters_cannot_be_bound_fails_alone_instead_of_stranding_its_batch()
    {
        await _database.ExecuteWriteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", _ => { }, Cancel);

        var writes = await QueuedTogetherAsync(
            p => p.AddWithValue("@id", 1), _ => throw new InvalidOperationException("no parameters"), p => p.AddWithValue("@id", 3));
        var all = Task.WhenAll(writes);
        var finished = await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10), Cancel)) == all;

        Assert.True(finished, "every queued write should complete, one way or the other");
        await Assert.ThrowsAsync<InvalidOperationException>(() => writes[1]);
        Assert.Equal("1=x,3=x", await ReadAllAsync());
    }

    /// <summary>Queues one insert per binding while the write gate is held, so that they commit as one batch.</summary>
    private async Task<Task<int>[]> QueuedTogetherAsync(params Action<SqliteParameterCollection>[] bindings)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = Task.Run(() => _database.WriteAsync(async _ =>
        {
            held.SetResult();
            await release.Task;
            return 0;
        }, Cancel), Cancel);
        await held.Task;

        var writes = bindings.Select(bind => Task.Run(() =>
            _database.ExecuteWriteAsync("INSERT INTO t (id, v) VALUES (@id, 'x')", bind, Cancel), Cancel)).ToArray();
        await Task.Delay(TimeSpan.FromMilliseconds(200), Cancel);
        release.SetResult();
        await holder;
        return writes;
    }

    private async Task<string> ReadAllAsync()
    {
        await using var connection = await _database.OpenAsync(Cancel);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, v FROM t ORDER BY id";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel))
        {
            rows.Add($"{reader.GetInt64(0)}={(reader.IsDBNull(1) ? "null" : reader.GetString(1))}");
        }

        return string.Join(',', rows);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(Cancel);
    }

    public void Dispose()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
