using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Storage.Encryption;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in write-ahead-log mode, so readers never wait for the writer.
/// Every write is a single conditional statement on <c>version</c>, atomic on its own.
/// </summary>
public sealed partial class SqliteConnectionStore : IConnectionStore, IDisposable
{
    public const string FileName = "tokenworkers.db";

    private readonly SqliteDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly ITokenProtector _protector;
    private readonly ILogger _logger;

    public SqliteConnectionStore(string databasePath, ITokenProtector protector, ILogger<SqliteConnectionStore> logger)
        : this(new SqliteDatabase(databasePath), protector, logger, ownsDatabase: true)
    {
    }

    /// <summary>On a database shared with the posting ledger; the caller disposes it.</summary>
    public SqliteConnectionStore(SqliteDatabase database, ITokenProtector protector, ILogger<SqliteConnectionStore> logger)
        : this(database, protector, logger, ownsDatabase: false)
    {
    }

    private SqliteConnectionStore(SqliteDatabase database, ITokenProtector protector, ILogger<SqliteConnectionStore> logger, bool ownsDatabase)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(protector);
        ArgumentNullException.ThrowIfNull(logger);

        _database = database;
        _ownsDatabase = ownsDatabase;
        _protector = protector;
        _logger = logger;
    }

    public string DatabasePath => _database.DatabasePath;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);

        await _database.WriteAsync(async connection =>
        {
            // WAL is a property of the file, so setting it once is enough; it cannot change inside a transaction.
            var journalMode = (string?)await ScalarAsync(connection, "PRAGMA journal_mode = WAL", cancellationToken) ?? "unknown";
            if (!journalMode.Equals("wal", StringComparison.OrdinalIgnoreCase))
            {
                Log.NotInWalMode(_logger, DatabasePath, journalMode);
            }

            // IMMEDIATE takes the write lock before reading the schema version, so two processes starting
            // together queue on the busy timeout instead of one failing to upgrade its read to a write.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var schemaVersion = (long)(await ScalarAsync(connection, "PRAGMA user_version", cancellationToken) ?? 0L);
            if (schemaVersion > SqliteSql.SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"The SQLite file {DatabasePath} has schema version {schemaVersion}, newer than this worker's " +
                    $"{SqliteSql.SchemaVersion}: it was written by a newer release. Run that release, or point " +
                    $"{StorageOptions.SectionName}:DataDirectory elsewhere.");
            }

            await using (var command = connection.CreateCommand())
            {
                command.CommandText = SqliteSql.CreateSchema;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await AddFlagColumnsAsync(connection, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Log.StoreReady(_logger, DatabasePath, journalMode);
            return journalMode;
        }, cancellationToken);
    }

    public async Task<Connection?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var found = await QueryAsync(SqliteSql.Find, p => p.AddWithValue("@id", id), cancellationToken);
        return found.Unreadable.Count > 0 ? throw new UnreadableRowException(found.Unreadable[0]) : found.Count == 0 ? null : found[0];
    }

    public async Task<Connection?> TryInsertAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var row = ConnectionRow.From(connection, version: 1, _protector);

        var inserted = await _database.ExecuteWriteAsync(SqliteSql.Insert, row.Bind, cancellationToken);
        return inserted == 1 ? row.ToConnection(connection.AccessToken, connection.RefreshToken) : null;
    }

    public async Task<Connection?> TryUpdateAsync(Connection updated, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        var row = ConnectionRow.From(updated, expectedVersion + 1, _protector);

        var changed = await _database.ExecuteWriteAsync(
            SqliteSql.Update,
            parameters =>
            {
                row.Bind(parameters);
                parameters.AddWithValue("@expected_version", expectedVersion);
            },
            cancellationToken);
        return changed == 1 ? row.ToConnection(updated.AccessToken, updated.RefreshToken) : null;
    }

    public Task<bool> TryClearPendingEventsAsync(string id, long expectedVersion, CancellationToken cancellationToken) =>
        _database.TryClearPendingEventsAsync("connections", id, expectedVersion, cancellationToken);

    public Task<ReadBatch<Connection>> FindDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(
            SqliteSql.FindDue,
            parameters =>
            {
                parameters.AddWithValue("@now", UnixMilliseconds.From(now));
                parameters.AddWithValue("@recheck_before", UnixMilliseconds.From(now - UnreadableRow.RecheckAfter));
                parameters.AddWithValue("@limit", limit);
            },
            cancellationToken);
    }

    public Task<ReadBatch<Connection>> FindWithPendingEventsAsync(
        DateTimeOffset createdAtOrBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(
            SqliteSql.FindWithPendingEvents,
            parameters =>
            {
                parameters.AddWithValue("@cutoff", UnixMilliseconds.From(createdAtOrBefore));
                parameters.AddWithValue("@recheck_before", UnixMilliseconds.From(createdAtOrBefore - UnreadableRow.RecheckAfter));
                parameters.AddWithValue("@limit", limit);
            },
            cancellationToken);
    }

    public Task<ReadBatch<Connection>> ListAsync(string? afterConnectionId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(
            afterConnectionId is null ? SqliteSql.ListFirst : SqliteSql.ListAfter,
            parameters =>
            {
                if (afterConnectionId is not null)
                {
                    parameters.AddWithValue("@after", afterConnectionId);
                }

                parameters.AddWithValue("@limit", limit);
            },
            cancellationToken);
    }

    public async Task<FleetSummary> SummarizeAsync(CancellationToken cancellationToken)
    {
        var counts = new Dictionary<ConnectionStatus, long>();
        await using var connection = await _database.OpenAsync(cancellationToken);
        // One read transaction: the counts and the deadlines come from the same snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = SqliteSql.CountByStatus;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                counts[Enum.Parse<ConnectionStatus>(reader.GetString(0))] = reader.GetInt64(1);
            }
        }

        var earliestAccess = await EarliestActiveAsync(connection, SqliteSql.EarliestAccessExpiry, cancellationToken);
        var earliestEnd = await EarliestActiveAsync(connection, SqliteSql.EarliestRefreshEnd, cancellationToken);
        var unreadable = (long)(await ScalarAsync(connection, SqliteKeySql.CountFlagged, cancellationToken) ?? 0L);
        await transaction.CommitAsync(cancellationToken);
        return new FleetSummary(counts, earliestAccess, earliestEnd) { Unreadable = unreadable };
    }

    /// <summary>Closes the pooled connections, so the file can be moved or deleted.</summary>
    public void Dispose()
    {
        if (_ownsDatabase)
        {
            _database.Dispose();
        }
    }

    private async Task<ReadBatch<Connection>> QueryAsync(
        string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        var rows = new List<(ConnectionRow Row, long? FlaggedAt)>();
        await using (var connection = await _database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = sql;
            bind(command.Parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add((ConnectionRow.Read(reader), reader.IsDBNull(11) ? null : reader.GetInt64(11)));
            }
        }

        // Decrypted once the connection is back in the pool, so the read transaction stays short.
        return Decode(rows);
    }

    private static async Task<DateTimeOffset?> EarliestActiveAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@status", nameof(ConnectionStatus.Active));
        return await command.ExecuteScalarAsync(cancellationToken) is long milliseconds ? UnixMilliseconds.ToDate(milliseconds) : null;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
