namespace TokenWorkers.Storage.Sqlite;

/// <summary>
/// The schema and every statement of the SQLite store. Dates are INTEGER unix milliseconds (UTC), the
/// same precision as BSON dates. Columns exist for what queries filter or sort on and for the encrypted
/// tokens; the rest of the connection is one JSON document, so a new field needs no migration.
/// </summary>
internal static class SqliteSql
{
    /// <summary>Stored in <c>PRAGMA user_version</c>; raise it with a migration when the schema changes.</summary>
    public const int SchemaVersion = 1;

    public const string DueIndex = "ix_connections_next_refresh_at";
    public const string PendingIndex = "ix_connections_oldest_pending_at";
    public const string AccessExpiryIndex = "ix_connections_status_access_expiry";
    public const string RefreshEndIndex = "ix_connections_status_refresh_end";
    public const string TenantIndex = "ix_connections_tenant_id";

    // The expiries live in the JSON document; indexes on these exact expressions serve the fleet summary.
    // A query must repeat the expression to the letter for SQLite to use its index.
    private const string AccessExpiry = "json_extract(document, '$.accessTokenExpiresAt')";
    private const string RefreshEnd = "json_extract(document, '$.refreshTokenExpiresAt')";

    // A row flagged unreadable stays out of the due and outbox queries until its flag is older than @recheck_before.
    private const string NotFlaggedSince = "(unreadable_at IS NULL OR unreadable_at <= @recheck_before)";

    // The indexes carry id so that the "ORDER BY date, id" of the queries below needs no sort step,
    // and are partial because most connections have no pending event and a finished one has no refresh.
    public static readonly string CreateSchema = $"""
        CREATE TABLE IF NOT EXISTS connections (
            id                   TEXT    NOT NULL PRIMARY KEY,
            tenant_id            TEXT    NOT NULL,
            status               TEXT    NOT NULL,
            version              INTEGER NOT NULL,
            next_refresh_at      INTEGER,
            oldest_pending_at    INTEGER,
            access_token_key_id  TEXT,
            access_token         BLOB,
            refresh_token_key_id TEXT,
            refresh_token        BLOB,
            document             TEXT    NOT NULL,
            unreadable_reason    TEXT,
            unreadable_message   TEXT,
            unreadable_at        INTEGER,
            CHECK ((access_token IS NULL) = (access_token_key_id IS NULL)),
            CHECK ((refresh_token IS NULL) = (refresh_token_key_id IS NULL))
        ) STRICT;
        CREATE INDEX IF NOT EXISTS {DueIndex}
            ON connections (next_refresh_at, id) WHERE next_refresh_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS {PendingIndex}
            ON connections (oldest_pending_at, id) WHERE oldest_pending_at IS NOT NULL;
        CREATE INDEX IF NOT EXISTS {AccessExpiryIndex} ON connections (status, {AccessExpiry});
        CREATE INDEX IF NOT EXISTS {RefreshEndIndex} ON connections (status, {RefreshEnd});
        CREATE INDEX IF NOT EXISTS {TenantIndex} ON connections (tenant_id, id);
        PRAGMA user_version = {SchemaVersion};
        """;

    private const string Columns = """
        id, tenant_id, status, version, next_refresh_at, oldest_pending_at,
        access_token_key_id, access_token, refresh_token_key_id, refresh_token, document
        """;

    // What queries read: the row, then when it was flagged unreadable (column 11).
    private const string ReadColumns = $"{Columns}, unreadable_at";

    public const string Find = $"SELECT {ReadColumns} FROM connections WHERE id = @id";

    public const string Insert = $"""
        INSERT INTO connections ({Columns})
        VALUES (@id, @tenant_id, @status, 1, @next_refresh_at, @oldest_pending_at,
                @access_token_key_id, @access_token, @refresh_token_key_id, @refresh_token, @document)
        ON CONFLICT (id) DO NOTHING
        """;

    public const string Update = """
        UPDATE connections
        SET tenant_id = @tenant_id, status = @status, version = @expected_version + 1,
            next_refresh_at = @next_refresh_at, oldest_pending_at = @oldest_pending_at,
            access_token_key_id = @access_token_key_id, access_token = @access_token,
            refresh_token_key_id = @refresh_token_key_id, refresh_token = @refresh_token,
            document = @document,
            unreadable_reason = NULL, unreadable_message = NULL, unreadable_at = NULL
        WHERE id = @id AND version = @expected_version
        """;

    // "next_refresh_at <= @now" implies NOT NULL, which lets SQLite use the partial index.
    public const string FindDue = $"""
        SELECT {ReadColumns} FROM connections
        WHERE next_refresh_at <= @now AND {NotFlaggedSince}
        ORDER BY next_refresh_at, id
        LIMIT @limit
        """;

    // The oldest pending event is at or before the cutoff exactly when any pending event is.
    public const string FindWithPendingEvents = $"""
        SELECT {ReadColumns} FROM connections
        WHERE oldest_pending_at <= @cutoff AND {NotFlaggedSince}
        ORDER BY oldest_pending_at, id
        LIMIT @limit
        """;

    public const string ListFirst = $"SELECT {ReadColumns} FROM connections ORDER BY id LIMIT @limit";

    public const string ListAfter = $"SELECT {ReadColumns} FROM connections WHERE id > @after ORDER BY id LIMIT @limit";

    // Counting reads one of the expiry indexes whole (no JSON is parsed); each minimum is one index seek.
    public const string CountByStatus = "SELECT status, COUNT(*) FROM connections GROUP BY status";

    public const string EarliestAccessExpiry = $"SELECT MIN({AccessExpiry}) FROM connections WHERE status = @status";

    public const string EarliestRefreshEnd = $"SELECT MIN({RefreshEnd}) FROM connections WHERE status = @status";

    // The range on the indexed expression lets each deadline query read only its slice of the expiry index.
    public const string AccessExpiriesBetween = $"""
        SELECT {AccessExpiry} FROM connections
        WHERE status = @status AND {AccessExpiry} >= @from AND {AccessExpiry} < @until
        """;

    public const string RefreshEndsBetween = $"""
        SELECT {RefreshEnd} FROM connections
        WHERE status = @status AND {RefreshEnd} >= @from AND {RefreshEnd} < @until
        """;

    public const string AndTenant = " AND tenant_id = @tenant";

    // A document written before apps had names has no app: it belongs to the default app. No index: the app narrows what
    // the tenant, status or expiry index found, for the status page only.
    public const string AndApp = $" AND COALESCE(json_extract(document, '$.app'), '{Connections.Connection.DefaultApp}') = @app";

    // CASE guards json_extract: an entry that is no object (a row written wrongly) would make it fail the whole query.
    private const string AttemptAt = "CASE WHEN a.type = 'object' THEN json_extract(a.value, '$.at') END";

    public const string AttemptsSince = $"""
        SELECT {AttemptAt},
               CASE WHEN a.type = 'object' THEN json_extract(a.value, '$.trigger') END,
               CASE WHEN a.type = 'object' THEN json_extract(a.value, '$.outcome') END,
               CASE WHEN a.type = 'object' THEN json_extract(a.value, '$.errorCode') END,
               CASE WHEN a.type = 'object' THEN json_extract(a.value, '$.version') END
        FROM connections AS c, json_each(c.document, '$.attempts') AS a
        WHERE {AttemptAt} >= @since
        """;

    public const string AndAttemptTenant = " AND c.tenant_id = @tenant";

    public const string AndAttemptApp = $" AND COALESCE(json_extract(c.document, '$.app'), '{Connections.Connection.DefaultApp}') = @app";

    /// <summary>The filtered page: only the conditions asked for, so SQLite can pick the tenant index or the primary key.</summary>
    public static string List(bool byTenant, bool byApp, int statuses, bool after, bool before)
    {
        var sql = new System.Text.StringBuilder($"SELECT {ReadColumns} FROM connections WHERE 1 = 1");
        if (byTenant)
        {
            sql.Append(AndTenant);
        }

        if (byApp)
        {
            sql.Append(AndApp);
        }

        if (statuses > 0)
        {
            sql.Append(" AND status IN (").AppendJoin(", ", Enumerable.Range(0, statuses).Select(i => $"@status{i}")).Append(')');
        }

        if (after)
        {
            sql.Append(" AND id > @after");
        }

        if (before)
        {
            sql.Append(" AND id < @before");
        }

        return sql.Append(before ? " ORDER BY id DESC" : " ORDER BY id").Append(" LIMIT @limit").ToString();
    }
}
