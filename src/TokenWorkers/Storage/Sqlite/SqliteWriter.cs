using Microsoft.Data.Sqlite;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>
/// The one connection through which this process writes, opened once with its settings, and its statements, each
/// compiled by SQLite once and run again with new parameters; it commits the batches of <see cref="SqliteDatabase"/>'s
/// group commit. Not thread-safe: only the holder of the database's write gate uses it.
/// </summary>
/// <remarks>
/// Opening a connection, setting its PRAGMAs and parsing each statement cost more CPU than the write itself; a store
/// that writes three statements per refresh paid them three times.
/// </remarks>
internal sealed class SqliteWriter(Func<CancellationToken, Task<SqliteConnection>> open) : IDisposable
{
    // The store's statements are a fixed set; the bound only keeps a caller passing ad hoc SQL from growing the cache.
    private const int MaxStatements = 64;

    private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;
    private long _statementsCommitted;
    private long _commits;

    /// <summary>Statements committed, together or alone; counted before their writers hear of it.</summary>
    public long StatementsCommitted => Interlocked.Read(ref _statementsCommitted);

    /// <summary>Transactions committed: one per batch, or one per statement run alone.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>The writer connection, opened on first use.</summary>
    public async Task<SqliteConnection> ConnectionAsync(CancellationToken cancellationToken) =>
        _connection ??= await open(cancellationToken);

    /// <summary>
    /// Commits <paramref name="batch"/> in one transaction and completes each write with the rows it changed. If that
    /// fails, each write is tried alone, so only one that fails on its own reports a failure and no write waits forever.
    /// </summary>
    public async Task CommitAsync(IReadOnlyList<PendingWrite> batch)
    {
        try
        {
            await CommitTogetherAsync(batch);
        }
        catch (Exception)
        {
            // One statement failed the batch (a lock held too long by another process, say), or the connection did.
            // Closing the connection rolls back whatever the failure left open; the writes are tried again on a fresh one.
            Reset();
            await RunAloneAsync(batch);
        }
    }

    /// <summary>
    /// Closes the connection and forgets its statements after a failure that may have left it unusable (a disk error, say);
    /// the next write opens a fresh one. Nothing committed is lost: it is in the file.
    /// </summary>
    public void Reset()
    {
        foreach (var statement in _statements.Values)
        {
            statement.Dispose();
        }

        _statements.Clear();
        _connection?.Dispose();
        _connection = null;
    }

    public void Dispose() => Reset();

    private async Task CommitTogetherAsync(IReadOnlyList<PendingWrite> batch)
    {
        var connection = await ConnectionAsync(CancellationToken.None);
        var changed = new int[batch.Count];
        await using (var transaction = connection.BeginTransaction(deferred: false))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                changed[i] = await ExecuteAsync(batch[i], transaction);
            }

            await transaction.CommitAsync(CancellationToken.None);
        }

        Interlocked.Add(ref _statementsCommitted, batch.Count);
        Interlocked.Increment(ref _commits);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(changed[i]);
        }
    }

    private async Task RunAloneAsync(IReadOnlyList<PendingWrite> batch)
    {
        var failed = false;
        foreach (var write in batch)
        {
            try
            {
                // Outside a transaction, each statement commits on its own.
                var changed = await ExecuteAsync(write, transaction: null);
                Interlocked.Increment(ref _statementsCommitted);
                Interlocked.Increment(ref _commits);
                write.Completion.TrySetResult(changed);
            }
            catch (Exception ex)
            {
                failed = true;
                write.Completion.TrySetException(ex);
            }
        }

        if (failed)
        {
            Reset();
        }
    }

    private async Task<int> ExecuteAsync(PendingWrite write, SqliteTransaction? transaction)
    {
        var command = await StatementAsync(write.Sql);
        command.Transaction = transaction;
        command.Parameters.Clear();
        write.Bind(command.Parameters);

        // The first run compiles the text (each statement once the one before it ran, so a text may create a table and
        // then use it); later runs reset the compiled statements and bind the new parameters.
        return await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private async Task<SqliteCommand> StatementAsync(string sql)
    {
        if (_statements.TryGetValue(sql, out var cached))
        {
            return cached;
        }

        var connection = await ConnectionAsync(CancellationToken.None);
        if (_statements.Count >= MaxStatements)
        {
            foreach (var statement in _statements.Values)
            {
                statement.Dispose();
            }

            _statements.Clear();
        }

        var command = connection.CreateCommand();
        command.CommandText = sql;
        _statements.Add(sql, command);
        return command;
    }
}

/// <summary>A write statement queued for the next group commit, completed with the number of rows it changed.</summary>
internal sealed record PendingWrite(string Sql, Action<SqliteParameterCollection> Bind)
{
    public TaskCompletionSource<int> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
