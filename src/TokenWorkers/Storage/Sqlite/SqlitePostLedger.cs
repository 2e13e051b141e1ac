using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Posts;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>
/// The posting ledger in the connection store's SQLite file (table <c>posts</c>, WAL as set by the store).
/// Every write is one statement conditional on <c>version</c>. Columns exist for what the queries filter on;
/// the rest of the entry is one JSON document.
/// </summary>
public sealed class SqlitePostLedger : IPostLedger, IDisposable
{
    private const string DueIndex = "ix_posts_not_before";
    private const string StateIndex = "ix_posts_awaiting_reauth";
    private const string PendingIndex = "ix_posts_oldest_pending_at";

    private const string CreateSchema = $"""
        CREATE TABLE IF NOT EXISTS posts (
            id            TEXT    NOT NULL PRIMARY KEY,
            connection_id TEXT    NOT NULL,
            state         TEXT    NOT NULL,
            version       INTEGER NOT NULL,
            not_before    INTEGER,
            document      TEXT    NOT NULL,
            oldest_pending_at INTEGER
        ) STRICT;
        CREATE INDEX IF NOT EXISTS {DueIndex} ON posts (not_before, id) WHERE not_before IS NOT NULL;
        CREATE INDEX IF NOT EXISTS {StateIndex} ON posts (id) WHERE state = 'AwaitingReauth';
        """;

    // Ledgers written before posts had an outbox lack the column; the index needs it.
    private const string AddOutboxColumn = "ALTER TABLE posts ADD COLUMN oldest_pending_at INTEGER";
    private const string HasOutboxColumn = "SELECT COUNT(*) FROM pragma_table_info('posts') WHERE name = 'oldest_pending_at'";
    private const string CreateOutboxIndex =
        $"CREATE INDEX IF NOT EXISTS {PendingIndex} ON posts (oldest_pending_at, id) WHERE oldest_pending_at IS NOT NULL";

    private const string Columns = "id, connection_id, state, version, not_before, document, oldest_pending_at";

    private readonly SqliteDatabase _database;
    private readonly bool _ownsDatabase;

    public SqlitePostLedger(string databasePath)
        : this(new SqliteDatabase(databasePath), ownsDatabase: true)
    {
    }

    /// <summary>On a database shared with the connection store; the caller disposes it.</summary>
    public SqlitePostLedger(SqliteDatabase database)
        : this(database, ownsDatabase: false)
    {
    }

    private SqlitePostLedger(SqliteDatabase database, bool ownsDatabase)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _ownsDatabase = ownsDatabase;
    }

    public string DatabasePath => _database.DatabasePath;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        await _database.WriteAsync(async connection =>
        {
            await using var transaction = connection.BeginTransaction(deferred: false);
            await ExecuteAsync(connection, CreateSchema, cancellationToken);
            await using (var probe = connection.CreateCommand())
            {
                probe.CommandText = HasOutboxColumn;
                if ((long)(await probe.ExecuteScalarAsync(cancellationToken) ?? 0L) == 0)
                {
                    await ExecuteAsync(connection, AddOutboxColumn, cancellationToken);
                }
            }

            await ExecuteAsync(connection, CreateOutboxIndex, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        }, cancellationToken);
    }

    public async Task<PostEntry?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var found = await QueryAsync($"SELECT {Columns} FROM posts WHERE id = @id", p => p.AddWithValue("@id", id), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<PostEntry?> TryInsertAsync(PostEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var stored = Normalize(entry with { Version = 1 });
        var inserted = await _database.ExecuteWriteAsync(
            $"INSERT INTO posts ({Columns}) VALUES (@id, @connection_id, @state, 1, @not_before, @document, @oldest_pending_at) ON CONFLICT (id) DO NOTHING",
            p => Bind(p, stored),
            cancellationToken);
        return inserted == 1 ? stored : null;
    }

    public async Task<PostEntry?> TryUpdateAsync(PostEntry updated, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        var stored = Normalize(updated with { Version = expectedVersion + 1 });
        var changed = await _database.ExecuteWriteAsync(
            """
            UPDATE posts SET connection_id = @connection_id, state = @state, version = @version,
                             not_before = @not_before, document = @document, oldest_pending_at = @oldest_pending_at
            WHERE id = @id AND version = @expected_version
            """,
            p =>
            {
                Bind(p, stored);
                p.AddWithValue("@expected_version", expectedVersion);
            },
            cancellationToken);
        return changed == 1 ? stored : null;
    }

    public Task<bool> TryClearPendingEventsAsync(string id, long expectedVersion, CancellationToken cancellationToken) =>
        _database.TryClearPendingEventsAsync("posts", id, expectedVersion, cancellationToken);

    public async Task<ReadBatch<PostEntry>> FindWithPendingEventsAsync(DateTimeOffset createdAtOrBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return new ReadBatch<PostEntry>(await QueryAsync(
            $"SELECT {Columns} FROM posts WHERE oldest_pending_at <= @cutoff ORDER BY oldest_pending_at, id LIMIT @limit",
            p =>
            {
                p.AddWithValue("@cutoff", UnixMilliseconds.From(createdAtOrBefore));
                p.AddWithValue("@limit", limit);
            },
            cancellationToken));
    }

    public Task<IReadOnlyList<PostEntry>> FindDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(
            $"SELECT {Columns} FROM posts WHERE not_before <= @now ORDER BY not_before, id LIMIT @limit",
            p =>
            {
                p.AddWithValue("@now", UnixMilliseconds.From(now));
                p.AddWithValue("@limit", limit);
            },
            cancellationToken);
    }

    public Task<IReadOnlyList<PostEntry>> FindAwaitingReauthAsync(string? afterPostId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return QueryAsync(
            $"SELECT {Columns} FROM posts WHERE state = 'AwaitingReauth' AND id > @after ORDER BY id LIMIT @limit",
            p =>
            {
                p.AddWithValue("@after", afterPostId ?? "");
                p.AddWithValue("@limit", limit);
            },
            cancellationToken);
    }

    public void Dispose()
    {
        if (_ownsDatabase)
        {
            _database.Dispose();
        }
    }

    // What a read gives back (dates to the millisecond), so a write's result equals a later read.
    private static PostEntry Normalize(PostEntry entry) =>
        StoredPost.From(entry).ToEntry(entry.PostId, entry.ConnectionId, entry.State, entry.Version) with { NotBefore = ToMilliseconds(entry.NotBefore) };

    private static DateTimeOffset? ToMilliseconds(DateTimeOffset? value) => UnixMilliseconds.ToDate(UnixMilliseconds.From(value));

    private static void Bind(SqliteParameterCollection p, PostEntry entry)
    {
        p.AddWithValue("@id", entry.PostId);
        p.AddWithValue("@connection_id", entry.ConnectionId);
        p.AddWithValue("@state", entry.State.ToString());
        p.AddWithValue("@version", entry.Version);
        p.AddWithValue("@not_before", (object?)UnixMilliseconds.From(entry.NotBefore) ?? DBNull.Value);
        p.AddWithValue("@document", JsonSerializer.Serialize(StoredPost.From(entry), StoredPostJsonContext.Default.StoredPost));
        p.AddWithValue("@oldest_pending_at", entry.PendingEvents.Count == 0
            ? DBNull.Value
            : UnixMilliseconds.From(entry.PendingEvents.Min(e => e.CreatedAt)));
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<PostEntry>> QueryAsync(string sql, Action<SqliteParameterCollection> bind, CancellationToken cancellationToken)
    {
        var entries = new List<PostEntry>();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var document = JsonSerializer.Deserialize(reader.GetString(5), StoredPostJsonContext.Default.StoredPost)
                           ?? throw new InvalidOperationException($"Post '{reader.GetString(0)}' has an empty document.");
            var entry = document.ToEntry(reader.GetString(0), reader.GetString(1), Enum.Parse<PostState>(reader.GetString(2)), reader.GetInt64(3));
            entries.Add(entry with { NotBefore = reader.IsDBNull(4) ? null : UnixMilliseconds.ToDate(reader.GetInt64(4)) });
        }

        return entries;
    }
}
