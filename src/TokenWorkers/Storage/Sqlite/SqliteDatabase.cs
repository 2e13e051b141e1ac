using System.Collections.Concurrent;
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

    // Bounds one group commit, so a long queue does not hold the write lock for long.
    private const int MaxBatch = 256;

    private readonly string _connectionString;

    // Writers in this process queue here asynchronously instead of blocking pool threads in SQLite's
    // busy handler; the busy timeout then only has to absorb writers in other processes.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentQueue<PendingWrite> _pending = new();

    // Durable writes since this instance was created; read by the benchmark, which reports writes per refresh.
    private long _writeStatements;
    private long _commits;

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

    /// <summary>
    /// Write statements committed through <see cref="ExecuteWriteAsync"/> (one per statement, whether it changed a row
    /// or not), plus one per <see cref="WriteAsync{T}"/> call, whose statements the adapter cannot see. Diagnostics
    /// only: <c>make bench</c> reads the difference around a run to report writes per refresh and per post.
    /// </summary>
    public long WriteStatements => Interlocked.Read(ref _writeStatements);

    /// <summary>
    /// Transactions committed: one per group commit of <see cref="ExecuteWriteAsync"/> (one per statement when a batch
    /// falls back to running its statements alone), plus one per <see cref="WriteAsync{T}"/> call. Each waits for the
    /// disk (synchronous = FULL), which is why <c>make bench</c> reports commits per refresh beside statements.
    /// </summary>
    public long Commits => Interlocked.Read(ref _commits);

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
            var result = await write(connection);
            Interlocked.Increment(ref _writeStatements);
            Interlocked.Increment(ref _commits);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// One write statement; returns the number of rows it changed. Writes queued while another batch commits are
    /// committed together in one transaction (group commit): with synchronous = FULL every commit waits for the
    /// disk, so concurrent consumers would otherwise spend their time queueing for one fsync each. A write, once
    /// queued, is carried out even if its caller stops waiting, because another caller may be committing it already.
    /// </summary>
    public async Task<int> ExecuteWriteAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        var write = new PendingWrite(sql, bind);
        _pending.Enqueue(write);
        await _writeGate.WaitAsync(CancellationToken.None);
        try
        {
            if (!write.Completion.Task.IsCompleted)
            {
                await CommitPendingAsync();
            }
        }
        finally
        {
            _writeGate.Release();
        }

        return await write.Completion.Task;
    }

    /// <summary>Commits what is queued, in batches; the caller holds the write gate.</summary>
    private async Task CommitPendingAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (batch.Count < MaxBatch && _pending.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        if (batch.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(CancellationToken.None);
        try
        {
            var changed = new int[batch.Count];
            await using (var transaction = connection.BeginTransaction(deferred: false))
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    changed[i] = await ExecuteAsync(connection, batch[i]);
                }

                await transaction.CommitAsync(CancellationToken.None);
            }

            Interlocked.Add(ref _writeStatements, batch.Count);
            Interlocked.Increment(ref _commits);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(changed[i]);
            }
        }
        catch (SqliteException)
        {
            // One statement failed the batch (a lock held too long by another process, say): each write is tried
            // again alone, so only the one that fails reports the failure.
            foreach (var write in batch)
            {
                try
                {
                    // Outside a transaction, each statement commits on its own.
                    var changed = await ExecuteAsync(connection, write);
                    Interlocked.Increment(ref _writeStatements);
                    Interlocked.Increment(ref _commits);
                    write.Completion.TrySetResult(changed);
                }
                catch (SqliteException ex)
                {
                    write.Completion.TrySetException(ex);
                }
            }
        }
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, PendingWrite write)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = write.Sql;
        write.Bind(command.Parameters);
        return await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private sealed record PendingWrite(string Sql, Action<SqliteParameterCollection> Bind)
    {
        public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

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
