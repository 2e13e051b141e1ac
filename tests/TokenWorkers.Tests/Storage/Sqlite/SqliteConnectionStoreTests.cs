using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage.Sqlite;

/// <summary>The conformance suite on real SQLite files, plus what only SQLite has: files, query plans, locks.</summary>
public sealed class SqliteConnectionStoreTests : ConnectionStoreConformanceTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tokenworkers-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SqliteConnectionStore> _stores = [];

    private string DatabasePath => Path.Combine(_directory, SqliteConnectionStore.FileName);

    protected override Task<IConnectionStore> CreateStoreAsync(ITokenProtector protector)
    {
        var store = new SqliteConnectionStore(DatabasePath, protector, NullLogger<SqliteConnectionStore>.Instance);
        _stores.Add(store);
        return Task.FromResult<IConnectionStore>(store);
    }

    protected override async Task<IReadOnlyList<byte[]>> ReadStoredBytesAsync()
    {
        // Before the checkpoint recent rows sit in the -wal file; after it, in the main file.
        var beforeCheckpoint = await ReadFilesAsync();
        await ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        var afterCheckpoint = await ReadFilesAsync();
        return [.. beforeCheckpoint, .. afterCheckpoint];
    }

    protected override Task BreakAsync(string connectionId, BadRow bad) => SqliteBadRows.BreakAsync(DatabasePath, connectionId, bad);

    protected override ValueTask DeleteDataAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_row_written_before_connections_named_their_app_reads_as_the_default_app()
    {
        await Store.TryInsertAsync(Some.Connection() with { App = "marketing" }, Cancel);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(Cancel);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE connections SET document = json_remove(document, '$.app')";
            Assert.Equal(1, await command.ExecuteNonQueryAsync(Cancel));
        }

        var found = await (await OpenStoreAsync(Some.Protector())).FindAsync(The.ConnectionId, Cancel);

        Assert.Equal(Connection.DefaultApp, found?.App);
    }

    [Fact]
    public async Task The_connect_sessions_of_a_file_from_before_sessions_named_their_app_gain_the_column_and_read_as_the_default_app()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "sessions.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(Cancel);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE connect_sessions (id TEXT NOT NULL PRIMARY KEY, connection_id TEXT NOT NULL, tenant_id TEXT NOT NULL,
                    return_url TEXT, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, created_by TEXT NOT NULL, redeemed_at INTEGER) STRICT;
                INSERT INTO connect_sessions VALUES ('old', 'c-1', 't-1', NULL, 0, 9999999999999, 'backend', NULL);
                """;
            await command.ExecuteNonQueryAsync(Cancel);
        }

        using var database = new SqliteDatabase(path);
        var sessions = new SqliteConnectSessions(database);
        await sessions.InitializeAsync(Cancel);
        await sessions.InitializeAsync(Cancel);
        await sessions.TryAddAsync(new Ports.ConnectSession("new", "c-2", "t-1", null, The.Now, The.Now.AddMinutes(5), "backend", App: "marketing"), Cancel);

        Assert.Equal(Connection.DefaultApp, (await sessions.FindAsync("old", Cancel))?.App);
        Assert.Equal("marketing", (await sessions.FindAsync("new", Cancel))?.App);
    }

    [Fact]
    public async Task The_due_query_is_served_by_the_next_refresh_index_without_a_sort()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);

        var plan = await QueryPlanAsync(SqliteSql.FindDue, ("@now", 0L), ("@limit", 10));

        Assert.Contains($"SEARCH connections USING INDEX {SqliteSql.DueIndex} (next_refresh_at<?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pending_query_is_served_by_the_outbox_index_without_a_sort()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);

        var plan = await QueryPlanAsync(SqliteSql.FindWithPendingEvents, ("@cutoff", 0L), ("@limit", 10));

        Assert.Contains($"SEARCH connections USING INDEX {SqliteSql.PendingIndex} (oldest_pending_at<?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fleet_summary_seeks_its_deadlines_in_the_expiry_indexes_and_counts_from_an_index()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);

        var access = await QueryPlanAsync(SqliteSql.EarliestAccessExpiry, ("@status", "Active"));
        var end = await QueryPlanAsync(SqliteSql.EarliestRefreshEnd, ("@status", "Active"));
        var counts = await QueryPlanAsync(SqliteSql.CountByStatus);

        // A seek in the index, which covers the expression: no row and no JSON is read.
        Assert.Contains($"SEARCH connections USING COVERING INDEX {SqliteSql.AccessExpiryIndex} (status=?)", access, StringComparison.Ordinal);
        Assert.Contains($"SEARCH connections USING COVERING INDEX {SqliteSql.RefreshEndIndex} (status=?)", end, StringComparison.Ordinal);
        Assert.Contains("USING COVERING INDEX", counts, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", counts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_from_before_the_expiry_indexes_gets_them_when_opened_and_keeps_its_rows()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);
        await using (var old = await OpenRawAsync())
        await using (var drop = old.CreateCommand())
        {
            drop.CommandText = $"DROP INDEX {SqliteSql.AccessExpiryIndex}; DROP INDEX {SqliteSql.RefreshEndIndex};";
            await drop.ExecuteNonQueryAsync(Cancel);
        }

        var reopened = await OpenStoreAsync(Some.Protector());

        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = @name", ("@name", SqliteSql.AccessExpiryIndex)));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = @name", ("@name", SqliteSql.RefreshEndIndex)));
        Assert.Equal(1, (await reopened.SummarizeAsync(Cancel)).CountOf(ConnectionStatus.Active));
    }

    [Fact]
    public async Task A_file_from_before_the_unreadable_flag_gets_its_columns_when_opened_keeps_its_rows_and_its_schema_version()
    {
        await Store.TryInsertAsync(Some.Connection() with { NextRefreshAt = The.Now }, Cancel);
        await ExecuteAsync($"""
            DROP INDEX {SqliteKeySql.FlaggedIndex};
            ALTER TABLE connections DROP COLUMN unreadable_reason;
            ALTER TABLE connections DROP COLUMN unreadable_message;
            ALTER TABLE connections DROP COLUMN unreadable_at;
            """);

        var reopened = await OpenStoreAsync(Some.Protector());
        var row = new UnreadableRow(The.ConnectionId, 1, UnreadableReason.Malformed, "flagged after the upgrade");

        Assert.Equal(3L, await ScalarAsync("SELECT COUNT(*) FROM pragma_table_info('connections') WHERE name LIKE 'unreadable_%'"));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = @name", ("@name", SqliteKeySql.FlaggedIndex)));
        Assert.Equal(1L, await ScalarAsync("PRAGMA user_version"));
        Assert.Equal(The.RefreshToken, (await reopened.FindAsync(The.ConnectionId, Cancel))?.RefreshToken);
        Assert.True(await reopened.TryFlagUnreadableAsync(row, The.Now, Cancel));
        Assert.Equal(1, (await reopened.SummarizeAsync(Cancel)).Unreadable);
    }

    [Fact]
    public async Task The_file_is_created_in_its_directory_in_write_ahead_log_mode()
    {
        Assert.True(File.Exists(DatabasePath));
        Assert.Equal("wal", await ScalarAsync("PRAGMA journal_mode"));
        Assert.Equal(1L, await ScalarAsync("PRAGMA user_version"));
    }

    [Fact]
    public async Task A_file_with_a_newer_schema_version_is_refused()
    {
        await ExecuteAsync("PRAGMA user_version = 99");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenStoreAsync(Some.Protector()));

        Assert.Contains("schema version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_copied_to_another_connection_does_not_decrypt()
    {
        await Store.TryInsertAsync(Some.Connection("conn-ada"), Cancel);
        await Store.TryInsertAsync(Some.Connection("conn-bob") with { AccessToken = new SecretToken("AQV-token-of-bob") }, Cancel);

        await ExecuteAsync("""
            UPDATE connections
            SET access_token = (SELECT access_token FROM connections WHERE id = 'conn-ada')
            WHERE id = 'conn-bob'
            """);
        var error = await Assert.ThrowsAsync<UnreadableRowException>(() => Store.FindAsync("conn-bob", Cancel));

        Assert.Equal(UnreadableReason.Tampered, error.Row?.Reason);
        Assert.Contains("access token of connection 'conn-bob'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(The.AccessTokenValue, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_moved_to_the_other_token_column_does_not_decrypt()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);

        await ExecuteAsync("UPDATE connections SET refresh_token = access_token");
        var error = await Assert.ThrowsAsync<UnreadableRowException>(() => Store.FindAsync(The.ConnectionId, Cancel));

        Assert.Contains("refresh token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_token_fails_with_a_clear_error()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);

        var stored = (byte[])(await ScalarAsync("SELECT access_token FROM connections"))!;
        stored[stored.Length / 2] ^= 1;
        await ExecuteAsync("UPDATE connections SET access_token = @tampered", ("@tampered", stored));
        var error = await Assert.ThrowsAsync<UnreadableRowException>(() => Store.FindAsync(The.ConnectionId, Cancel));

        Assert.Equal(UnreadableReason.Tampered, error.Row?.Reason);
        Assert.Contains("does not authenticate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_store_instances_on_one_file_write_concurrently_without_locking_errors()
    {
        // Each instance has its own write gate, as two processes would: only SQLite's locks order them.
        var other = await OpenStoreAsync(Some.Protector());
        IConnectionStore[] stores = [Store, other];
        var ids = Enumerable.Range(1, 8).Select(i => $"conn-{i}").ToArray();
        foreach (var id in ids)
        {
            await Store.TryInsertAsync(Some.Connection(id), Cancel);
        }

        const int UpdatesPerConnection = 20;
        await Task.WhenAll(ids.Select((id, i) => Task.Run(async () =>
        {
            var store = stores[i % 2];
            for (var version = 1L; version <= UpdatesPerConnection; version++)
            {
                Assert.NotNull(await store.TryUpdateAsync(Some.Connection(id) with { FailureCount = (int)version }, version, Cancel));
            }
        })));
        var contested = await RaceAsync(16, writer =>
            stores[writer % 2].TryUpdateAsync(Some.Connection(ids[0]), UpdatesPerConnection + 1, Cancel));

        Assert.Single(contested, c => c is not null);
        Assert.Equal(UpdatesPerConnection + 2, (await Store.FindAsync(ids[0], Cancel))?.Version);
        foreach (var id in ids[1..])
        {
            Assert.Equal(UpdatesPerConnection + 1, (await other.FindAsync(id, Cancel))?.Version);
        }
    }

    [Fact]
    public async Task A_write_waits_for_a_write_lock_held_elsewhere_instead_of_failing()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);
        await using var elsewhere = await OpenRawAsync();
        await using var transaction = elsewhere.BeginTransaction(deferred: false);

        // Microsoft.Data.Sqlite's async methods run synchronously: the wait must happen on another thread.
        var update = Task.Run(() => Store.TryUpdateAsync(Some.Connection() with { FailureCount = 1 }, 1, Cancel), Cancel);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Cancel);
        var finishedWhileLocked = update.IsCompleted;
        await transaction.CommitAsync(Cancel);

        Assert.False(finishedWhileLocked, "the update should have waited for the lock");
        Assert.Equal(2, (await update)?.Version);
    }

    [Fact]
    public async Task Reads_are_not_blocked_by_a_write_in_progress()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);
        await using var writer = await OpenRawAsync();
        await using var transaction = writer.BeginTransaction(deferred: false);
        await using (var command = writer.CreateCommand())
        {
            command.CommandText = "UPDATE connections SET version = 5";
            await command.ExecuteNonQueryAsync(Cancel);
        }

        var read = Task.Run(() => Store.FindAsync(The.ConnectionId, Cancel), Cancel);
        var finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(2), Cancel)) == read;

        Assert.True(finished, "a read should not wait for an uncommitted write");
        Assert.Equal(1, (await read)?.Version);
    }

    [Fact]
    public async Task The_status_page_queries_read_the_tenant_and_expiry_indexes_without_a_sort_with_or_without_an_app()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);

        var tenantPage = await QueryPlanAsync(SqliteSql.List(byTenant: true, byApp: true, statuses: 1, after: true, before: false),
            ("@tenant", "t"), ("@app", "a"), ("@status0", "Active"), ("@after", "a"), ("@limit", 10));
        var backwards = await QueryPlanAsync(SqliteSql.List(byTenant: true, byApp: false, statuses: 0, after: false, before: true),
            ("@tenant", "t"), ("@before", "z"), ("@limit", 10));
        var deadlines = await QueryPlanAsync(SqliteSql.AccessExpiriesBetween + SqliteSql.AndTenant + SqliteSql.AndApp,
            ("@status", "Active"), ("@from", 0L), ("@until", 1L), ("@tenant", "t"), ("@app", "a"));

        Assert.Contains($"USING INDEX {SqliteSql.TenantIndex} (tenant_id=? AND id>?)", tenantPage, StringComparison.Ordinal);
        Assert.Contains($"USING INDEX {SqliteSql.TenantIndex} (tenant_id=? AND id<?)", backwards, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", tenantPage + backwards, StringComparison.Ordinal);
        Assert.Contains($"INDEX {SqliteSql.AccessExpiryIndex} (status=? AND <expr>>? AND <expr><?)", deadlines, StringComparison.Ordinal);
    }

    private async Task<string> QueryPlanAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenRawAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        while (await reader.ReadAsync(Cancel))
        {
            lines.Add(reader.GetString(3));
        }

        return string.Join('\n', lines);
    }

    private async Task<object?> ScalarAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenRawAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteScalarAsync(Cancel);
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters) =>
        await ScalarAsync(sql, parameters);

    // Unpooled, so that the directory can be deleted afterwards.
    private async Task<SqliteConnection> OpenRawAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync(Cancel);
        return connection;
    }

    private async Task<byte[][]> ReadFilesAsync() =>
        await Task.WhenAll(Directory.GetFiles(_directory).Select(async path =>
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var bytes = new MemoryStream();
            await file.CopyToAsync(bytes, Cancel);
            return bytes.ToArray();
        }));
}
