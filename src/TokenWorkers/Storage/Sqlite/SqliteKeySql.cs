namespace TokenWorkers.Storage.Sqlite;

/// <summary>
/// The statements of unreadable-row flags and key rotation, beside <see cref="SqliteSql"/>: the flag's columns (added to
/// files created before them, without a schema version change, since older workers ignore them), the flag itself, the
/// re-encryption sweep's query and the counts per key id.
/// </summary>
internal static class SqliteKeySql
{
    public const string FlaggedIndex = "ix_connections_unreadable_at";

    public const string HasFlagColumns = "SELECT COUNT(*) FROM pragma_table_info('connections') WHERE name = 'unreadable_at'";

    public const string AddFlagColumns = """
        ALTER TABLE connections ADD COLUMN unreadable_reason TEXT;
        ALTER TABLE connections ADD COLUMN unreadable_message TEXT;
        ALTER TABLE connections ADD COLUMN unreadable_at INTEGER;
        """;

    // Partial: normally no row is flagged, so counting them reads nothing.
    public const string CreateFlaggedIndex =
        $"CREATE INDEX IF NOT EXISTS {FlaggedIndex} ON connections (unreadable_at) WHERE unreadable_at IS NOT NULL";

    // Conditional on the version read, and leaving it as it is: the flag is a note about the row, not a change of it.
    public const string Flag = """
        UPDATE connections
        SET unreadable_reason = @reason, unreadable_message = @message, unreadable_at = @at
        WHERE id = @id AND version = @version
        """;

    public const string CountFlagged = "SELECT COUNT(*) FROM connections WHERE unreadable_at IS NOT NULL";

    // A row without tokens has NULL key ids, which "<>" never matches: there is nothing to re-encrypt in it.
    public const string FindNotUnderKey = """
        SELECT id, tenant_id, status, version, next_refresh_at, oldest_pending_at,
               access_token_key_id, access_token, refresh_token_key_id, refresh_token, document, unreadable_at
        FROM connections
        WHERE (@after IS NULL OR id > @after)
          AND (access_token_key_id <> @key_id OR refresh_token_key_id <> @key_id OR unreadable_at IS NOT NULL)
        ORDER BY id
        LIMIT @limit
        """;

    // UNION (not UNION ALL): a connection whose two tokens are under one key counts once for it.
    public const string CountByKeyId = """
        SELECT key_id, COUNT(*) FROM (
            SELECT id, access_token_key_id AS key_id FROM connections WHERE access_token_key_id IS NOT NULL
            UNION
            SELECT id, refresh_token_key_id FROM connections WHERE refresh_token_key_id IS NOT NULL)
        GROUP BY key_id
        """;
}
