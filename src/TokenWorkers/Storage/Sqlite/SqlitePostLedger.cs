using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Publishing;

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

    private const string CreateSchema = $"""
        CREATE TABLE IF NOT EXISTS posts (
            id            TEXT    NOT NULL PRIMARY KEY,
            connection_id TEXT    NOT NULL,
            state         TEXT    NOT NULL,
            version       INTEGER NOT NULL,
            not_before    INTEGER,
            document      TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX IF NOT EXISTS {DueIndex} ON posts (not_before, id) WHERE not_before IS NOT NULL;
        CREATE INDEX IF NOT EXISTS {StateIndex} ON posts (id) WHERE state = 'AwaitingReauth';
        """;

    private const string Columns = "id, connection_id, state, version, not_before, document";

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
        await _database.ExecuteWriteAsync(CreateSchema, _ => { }, cancellationToken);
    }

    public async Task<PostEntry?> FindAsync(string postId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(postId);
        var found = await QueryAsync($"SELECT {Columns} FROM posts WHERE id = @id", p => p.AddWithValue("@id", postId), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<PostEntry?> TryInsertAsync(PostEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var stored = Normalize(entry with { Version = 1 });
        var inserted = await _database.ExecuteWriteAsync(
            $"INSERT INTO posts ({Columns}) VALUES (@id, @connection_id, @state, 1, @not_before, @document) ON CONFLICT (id) DO NOTHING",
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
                             not_before = @not_before, document = @document
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

/// <summary>The JSON document of a ledger row: a storage format, separate from <see cref="PostEntry"/>; dates in unix milliseconds.</summary>
internal sealed record StoredPost
{
    public required PostContent Content { get; init; }

    public int Attempts { get; init; }

    public string? Urn { get; init; }

    public StoredPostError? LastError { get; init; }

    public StoredLease? Claim { get; init; }

    public long? AwaitingConnectionVersion { get; init; }

    public long CreatedAt { get; init; }

    public long UpdatedAt { get; init; }

    public static StoredPost From(PostEntry e) => new()
    {
        Content = e.Content,
        Attempts = e.Attempts,
        Urn = e.Urn,
        LastError = e.LastError is { } error ? new StoredPostError(error.Class, error.Message, UnixMilliseconds.From(error.At)) : null,
        Claim = e.Claim is { } claim ? new StoredLease(claim.Holder, UnixMilliseconds.From(claim.Until)) : null,
        AwaitingConnectionVersion = e.AwaitingConnectionVersion,
        CreatedAt = UnixMilliseconds.From(e.CreatedAt),
        UpdatedAt = UnixMilliseconds.From(e.UpdatedAt),
    };

    public PostEntry ToEntry(string postId, string connectionId, PostState state, long version) => new()
    {
        PostId = postId,
        ConnectionId = connectionId,
        Content = Content,
        State = state,
        Attempts = Attempts,
        Urn = Urn,
        LastError = LastError is { } error ? new PostError(error.Class, error.Message, UnixMilliseconds.ToDate(error.At)) : null,
        Claim = Claim is { } claim ? new Lease(claim.Holder, UnixMilliseconds.ToDate(claim.Until)) : null,
        AwaitingConnectionVersion = AwaitingConnectionVersion,
        Version = version,
        CreatedAt = UnixMilliseconds.ToDate(CreatedAt),
        UpdatedAt = UnixMilliseconds.ToDate(UpdatedAt),
    };
}

internal sealed record StoredPostError(FailureClass Class, string Message, long At);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(StoredPost))]
internal sealed partial class StoredPostJsonContext : JsonSerializerContext;
