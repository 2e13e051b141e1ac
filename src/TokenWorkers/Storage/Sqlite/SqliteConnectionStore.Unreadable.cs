using Microsoft.Data.Sqlite;
using TokenWorkers.Connections;
using TokenWorkers.Events;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>Rows that cannot be read, their flag, and what key rotation asks of the store.</summary>
public sealed partial class SqliteConnectionStore
{
    public async Task<bool> TryFlagUnreadableAsync(UnreadableRow row, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var changed = await _database.ExecuteWriteAsync(
            SqliteKeySql.Flag,
            parameters =>
            {
                parameters.AddWithValue("@id", row.Id);
                parameters.AddWithValue("@version", row.Version);
                parameters.AddWithValue("@reason", row.Reason.ToString());
                parameters.AddWithValue("@message", row.Message);
                parameters.AddWithValue("@at", UnixMilliseconds.From(at));
            },
            cancellationToken);
        return changed == 1;
    }

    public Task<ReadBatch<Connection>> FindNotUnderActiveKeyAsync(string? afterConnectionId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(
            SqliteKeySql.FindNotUnderKey,
            parameters =>
            {
                parameters.AddWithValue("@after", (object?)afterConnectionId ?? DBNull.Value);
                parameters.AddWithValue("@key_id", _protector.ActiveKeyId);
                parameters.AddWithValue("@limit", limit);
            },
            cancellationToken);
    }

    public async Task<KeyUsage> CountByKeyIdAsync(CancellationToken cancellationToken)
    {
        var byKeyId = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = SqliteKeySql.CountByKeyId;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                byKeyId[reader.GetString(0)] = reader.GetInt64(1);
            }
        }

        var unreadable = (long)(await ScalarAsync(connection, SqliteKeySql.CountFlagged, cancellationToken) ?? 0L);
        await transaction.CommitAsync(cancellationToken);
        return new KeyUsage(_protector.ActiveKeyId, byKeyId, unreadable);
    }

    /// <summary>Files created before the flag existed get its columns and index; the caller holds the schema transaction.</summary>
    private static async Task AddFlagColumnsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if ((long)(await ScalarAsync(connection, SqliteKeySql.HasFlagColumns, cancellationToken) ?? 0L) == 0)
        {
            await ExecuteAsync(connection, SqliteKeySql.AddFlagColumns, cancellationToken);
        }

        await ExecuteAsync(connection, SqliteKeySql.CreateFlaggedIndex, cancellationToken);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Decrypts and parses each row on its own: one that cannot be read takes its own place in the batch, not the others'.</summary>
    private ReadBatch<Connection> Decode(List<(ConnectionRow Row, long? FlaggedAt)> rows)
    {
        var items = new List<Connection>(rows.Count);
        var unreadable = new List<UnreadableRow>();
        foreach (var (row, flaggedAt) in rows)
        {
            if (StoredRows.TryDecode(
                    row.Id,
                    row.Version,
                    UnixMilliseconds.ToDate(flaggedAt),
                    [row.AccessToken?.KeyId, row.RefreshToken?.KeyId],
                    _protector.HasKey,
                    () => row.ToConnection(_protector),
                    out var connection,
                    out var bad))
            {
                items.Add(connection!);
            }
            else
            {
                unreadable.Add(bad!);
            }
        }

        return new ReadBatch<Connection>(items, unreadable, rows.Count == 0 ? null : rows[^1].Row.Id);
    }
}
