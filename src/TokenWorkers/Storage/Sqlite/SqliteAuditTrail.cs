using Microsoft.Data.Sqlite;
using TokenWorkers.Ports;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>The audit trail in the store's SQLite file (table <c>audit</c>): append-only, listed newest first by id.</summary>
public sealed class SqliteAuditTrail(SqliteDatabase database) : IAuditTrail
{
    private const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS audit (
            id      TEXT    NOT NULL PRIMARY KEY,
            at      INTEGER NOT NULL,
            actor   TEXT    NOT NULL,
            action  TEXT    NOT NULL,
            target  TEXT,
            status  INTEGER NOT NULL,
            outcome TEXT    NOT NULL,
            detail  TEXT
        ) STRICT;
        CREATE INDEX IF NOT EXISTS ix_audit_target ON audit (target, id) WHERE target IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_audit_at ON audit (at);
        """;

    public Task InitializeAsync(CancellationToken cancellationToken) => database.CreateSchemaAsync(CreateSchema, cancellationToken);

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await database.ExecuteWriteAsync(
            """
            INSERT INTO audit (id, at, actor, action, target, status, outcome, detail)
            VALUES (@id, @at, @actor, @action, @target, @status, @outcome, @detail) ON CONFLICT (id) DO NOTHING
            """,
            p =>
            {
                p.AddWithValue("@id", record.Id);
                p.AddWithValue("@at", UnixMilliseconds.From(record.At));
                p.AddWithValue("@actor", record.Actor);
                p.AddWithValue("@action", record.Action);
                p.AddWithValue("@target", (object?)record.Target ?? DBNull.Value);
                p.AddWithValue("@status", record.Status);
                p.AddWithValue("@outcome", record.Outcome.ToString());
                p.AddWithValue("@detail", (object?)record.Detail ?? DBNull.Value);
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, at, actor, action, target, status, outcome, detail FROM audit
            WHERE (@before IS NULL OR id < @before) AND (@target IS NULL OR target = @target) AND (@actor IS NULL OR actor = @actor)
            ORDER BY id DESC LIMIT @limit
            """;
        command.Parameters.AddWithValue("@before", (object?)query.Before ?? DBNull.Value);
        command.Parameters.AddWithValue("@target", (object?)query.Target ?? DBNull.Value);
        command.Parameters.AddWithValue("@actor", (object?)query.Actor ?? DBNull.Value);
        command.Parameters.AddWithValue("@limit", query.Limit);
        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord(
                reader.GetString(0),
                UnixMilliseconds.ToDate(reader.GetInt64(1)),
                reader.GetString(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetInt32(5),
                Enum.Parse<AuditOutcome>(reader.GetString(6)),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return records;
    }

    public async Task<long> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        await database.ExecuteWriteAsync(
            "DELETE FROM audit WHERE at < @before",
            p => p.AddWithValue("@before", UnixMilliseconds.From(before)),
            cancellationToken);
}
