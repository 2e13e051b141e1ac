using Microsoft.Data.Sqlite;
using TokenWorkers.Ports;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>
/// Connect sessions in the store's SQLite file (table <c>connect_sessions</c>). Redemption is one conditional UPDATE, so
/// every process on the file agrees on the one browser that used a link.
/// </summary>
public sealed class SqliteConnectSessions(SqliteDatabase database) : IConnectSessions
{
    private const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS connect_sessions (
            id            TEXT    NOT NULL PRIMARY KEY,
            connection_id TEXT    NOT NULL,
            tenant_id     TEXT    NOT NULL,
            return_url    TEXT,
            created_at    INTEGER NOT NULL,
            expires_at    INTEGER NOT NULL,
            created_by    TEXT    NOT NULL,
            redeemed_at   INTEGER,
            app           TEXT    NOT NULL DEFAULT 'default'
        ) STRICT;
        CREATE INDEX IF NOT EXISTS ix_connect_sessions_expires_at ON connect_sessions (expires_at);
        """;

    // Files written before sessions named their app lack the column; their sessions were for the default app.
    private const string HasAppColumn = "SELECT COUNT(*) FROM pragma_table_info('connect_sessions') WHERE name = 'app'";
    private const string AddAppColumn = "ALTER TABLE connect_sessions ADD COLUMN app TEXT NOT NULL DEFAULT 'default'";

    private const string Columns = "id, connection_id, tenant_id, return_url, created_at, expires_at, created_by, redeemed_at, app";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await database.CreateSchemaAsync(CreateSchema, cancellationToken);
        await database.WriteAsync(async connection =>
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await using var command = connection.CreateCommand();
            command.CommandText = HasAppColumn;
            if ((long)(await command.ExecuteScalarAsync(cancellationToken) ?? 0L) == 0)
            {
                command.CommandText = AddAppColumn;
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    public async Task<bool> TryAddAsync(ConnectSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await database.ExecuteWriteAsync(
            $"""
            INSERT INTO connect_sessions ({Columns})
            VALUES (@id, @connection_id, @tenant_id, @return_url, @created_at, @expires_at, @created_by, @redeemed_at, @app) ON CONFLICT (id) DO NOTHING
            """,
            p =>
            {
                p.AddWithValue("@id", session.Id);
                p.AddWithValue("@connection_id", session.ConnectionId);
                p.AddWithValue("@tenant_id", session.TenantId);
                p.AddWithValue("@return_url", (object?)session.ReturnUrl?.AbsoluteUri ?? DBNull.Value);
                p.AddWithValue("@created_at", UnixMilliseconds.From(session.CreatedAt));
                p.AddWithValue("@expires_at", UnixMilliseconds.From(session.ExpiresAt));
                p.AddWithValue("@created_by", session.CreatedBy);
                p.AddWithValue("@redeemed_at", (object?)UnixMilliseconds.From(session.RedeemedAt) ?? DBNull.Value);
                p.AddWithValue("@app", session.App);
            },
            cancellationToken) == 1;
    }

    public async Task<ConnectSession?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM connect_sessions WHERE id = @id";
        command.Parameters.AddWithValue("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    public async Task<ConnectSession?> TryRedeemAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var redeemed = await database.ExecuteWriteAsync(
            "UPDATE connect_sessions SET redeemed_at = @now WHERE id = @id AND redeemed_at IS NULL AND expires_at > @now",
            p =>
            {
                p.AddWithValue("@id", id);
                p.AddWithValue("@now", UnixMilliseconds.From(now));
            },
            cancellationToken);
        return redeemed == 1 ? await FindAsync(id, cancellationToken) : null;
    }

    public async Task<long> DeleteExpiredAsync(DateTimeOffset expiredBefore, CancellationToken cancellationToken) =>
        await database.ExecuteWriteAsync(
            "DELETE FROM connect_sessions WHERE expires_at < @before",
            p => p.AddWithValue("@before", UnixMilliseconds.From(expiredBefore)),
            cancellationToken);

    private static ConnectSession Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.IsDBNull(3) ? null : new Uri(reader.GetString(3)),
        UnixMilliseconds.ToDate(reader.GetInt64(4)),
        UnixMilliseconds.ToDate(reader.GetInt64(5)),
        reader.GetString(6),
        reader.IsDBNull(7) ? null : UnixMilliseconds.ToDate(reader.GetInt64(7)),
        reader.GetString(8));
}
