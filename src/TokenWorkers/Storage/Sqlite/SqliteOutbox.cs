namespace TokenWorkers.Storage.Sqlite;

/// <summary>The outbox removal both SQLite tables share: one statement, no read of the document, the version kept.</summary>
internal static class SqliteOutbox
{
    /// <param name="table">A table of this adapter (<c>connections</c> or <c>posts</c>), never input from outside.</param>
    public static async Task<bool> TryClearPendingEventsAsync(
        this SqliteDatabase database, string table, string id, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var changed = await database.ExecuteWriteAsync(
            $"""
            UPDATE {table}
            SET document = json_set(document, '$.pendingEvents', json('[]')), oldest_pending_at = NULL
            WHERE id = @id AND version = @expected_version
            """,
            parameters =>
            {
                parameters.AddWithValue("@id", id);
                parameters.AddWithValue("@expected_version", expectedVersion);
            },
            cancellationToken);
        return changed == 1;
    }
}
