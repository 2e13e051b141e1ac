using Microsoft.Data.Sqlite;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>
/// One SQLite file as the store's tables share it: pooled connections opened with the per-connection settings,
/// and the gate at which this process's writers queue. The connection store and the posting ledger use one
/// instance, so their writes queue at one gate instead of meeting in SQLite's busy handler.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    // How long a write waits for another process's write lock before SQLite reports "database is locked".
    private const int BusyTimeoutMilliseconds = 10_000;

    private readonly string _connectionString;

    // Writers in this process queue here asynchronously instead of blocking pool threads in SQLite's
    // busy handler; the busy timeout then only has to absorb writers in other processes.
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public SqliteDatabase(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();
    }

    public string DatabasePath { get; }

    /// <summary>A pooled connection for reading; writes go through <see cref="WriteAsync{T}"/>.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);

            // Per-connection settings, set every time because a pooled connection may be new or reused.
            // synchronous = FULL even in WAL mode: a committed write (a rotated refresh token, say) must
            // survive a power cut, and this store writes little.
            await using var settings = connection.CreateCommand();
            settings.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = FULL;";
            await settings.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="write"/> on its own connection while holding this process's write gate.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, Task<T>> write, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            return await write(connection);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>One write statement; returns the number of rows it changed.</summary>
    public Task<int> ExecuteWriteAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken) =>
        WriteAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command.Parameters);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    /// <summary>Closes the pooled connections, so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _writeGate.Dispose();
    }
}
