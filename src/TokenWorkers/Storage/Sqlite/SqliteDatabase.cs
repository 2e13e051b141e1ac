using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>
/// One SQLite file as the store's tables share it: pooled connections for reading, one long-lived connection with
/// compiled statements for writing, and the gate at which this process's writers queue. The connection store and the
/// posting ledger use one instance, so their writes queue at one gate instead of meeting in SQLite's busy handler.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    // How long a write waits for another process's write lock before SQLite reports "database is locked".
    private const int BusyTimeoutMilliseconds = 10_000;

    // Bounds one group commit, so a long queue does not hold the write lock for long.
    private const int MaxBatch = 256;

    private static readonly TimeSpan DisposeWait = TimeSpan.FromSeconds(5);
    private static readonly object Configured = new();

    private readonly string _connectionString;
    private readonly string _writerConnectionString;

    // Writers in this process queue here asynchronously instead of blocking pool threads in SQLite's
    // busy handler; the busy timeout then only has to absorb writers in other processes.
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ConcurrentQueue<PendingWrite> _pending = new();

    // Write callbacks since this instance was created (the writer counts its own statements); read by the benchmark,
    // which reports writes per refresh.
    private long _callbacks;

    // Physical connections (the pool reuses them) whose per-connection settings are already set; an entry goes with its
    // connection when the pool closes it.
    private readonly ConditionalWeakTable<sqlite3, object> _configured = [];
    private readonly SqliteWriter _writer;

    public SqliteDatabase(string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        DatabasePath = Path.GetFullPath(databasePath);
        var settings = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        };
        _connectionString = settings.ToString();

        // The writer's connection lives as long as this instance, so a pool would add nothing; unpooled, closing it after
        // a failure really closes it instead of handing it to a reader.
        settings.Pooling = false;
        _writerConnectionString = settings.ToString();
        _writer = new SqliteWriter(cancellationToken => OpenAsync(_writerConnectionString, cancellationToken));
    }

    public string DatabasePath { get; }

    /// <summary>
    /// Write statements committed through <see cref="ExecuteWriteAsync"/> (one per statement, whether it changed a row
    /// or not), plus one per <see cref="WriteAsync{T}"/> call, whose statements the adapter cannot see. Diagnostics
    /// only: <c>make bench</c> reads the difference around a run to report writes per refresh and per post.
    /// </summary>
    public long WriteStatements => _writer.StatementsCommitted + Interlocked.Read(ref _callbacks);

    /// <summary>
    /// Transactions committed: one per group commit of <see cref="ExecuteWriteAsync"/> (one per statement when a batch
    /// falls back to running its statements alone), plus one per <see cref="WriteAsync{T}"/> call. Each waits for the
    /// disk (synchronous = FULL), which is why <c>make bench</c> reports commits per refresh beside statements.
    /// </summary>
    public long Commits => _writer.Commits + Interlocked.Read(ref _callbacks);

    /// <summary>A pooled connection for reading; writes go through <see cref="ExecuteWriteAsync"/> or <see cref="WriteAsync{T}"/>.</summary>
    public Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken) => OpenAsync(_connectionString, cancellationToken);

    private async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            var handle = connection.Handle!;
            if (!_configured.TryGetValue(handle, out _))
            {
                // Per-connection settings, set once per physical connection: the pool hands the same one out again with
                // them still in force, and running two PRAGMAs on every open cost as much as the read it served.
                // synchronous = FULL even in WAL mode: a committed write (a rotated refresh token, say) must
                // survive a power cut, and this store writes little.
                await using var settings = connection.CreateCommand();
                settings.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA synchronous = FULL;";
                await settings.ExecuteNonQueryAsync(cancellationToken);
                _configured.AddOrUpdate(handle, Configured);
            }

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
            Interlocked.Increment(ref _callbacks);
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Runs a table's idempotent schema script (<c>CREATE ... IF NOT EXISTS</c>) in one transaction.</summary>
    public async Task CreateSchemaAsync(string script, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await WriteAsync(async connection =>
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var command = connection.CreateCommand();
            command.CommandText = script;
            await command.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    /// <summary>Runs <paramref name="use"/> on the writer connection while holding the write gate; for tests of its settings.</summary>
    internal async Task<T> OnWriterAsync<T>(Func<SqliteConnection, Task<T>> use, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            return await use(await _writer.ConnectionAsync(cancellationToken));
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
        // Sized to what is queued: most batches are a few writes, and a list of MaxBatch for each was a fifth of the
        // store's allocations while connections were being inserted one at a time.
        var batch = new List<PendingWrite>(Math.Clamp(_pending.Count, 1, MaxBatch));
        while (batch.Count < MaxBatch && _pending.TryDequeue(out var next))
        {
            batch.Add(next);
        }

        if (batch.Count == 0)
        {
            return;
        }

        await _writer.CommitAsync(batch);
    }

    /// <summary>Closes the writer and the pooled connections, so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        // A batch still committing finishes first: its connection is the one being closed.
        var idle = _writeGate.Wait(DisposeWait);
        _writer.Dispose();
        if (idle)
        {
            _writeGate.Release();
        }

        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _writeGate.Dispose();
    }
}
