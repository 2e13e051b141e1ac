using Microsoft.Data.Sqlite;

namespace TokenWorkers.Tests.TestSupport;

/// <summary>The ways a stored connection becomes unreadable, each as an operator's mistake or an attacker would cause it.</summary>
public enum BadRow
{
    /// <summary>Its tokens are under a key id that no instance has configured any more (a key retired too early).</summary>
    UnknownKey = 1,

    /// <summary>One byte of its access token's ciphertext is flipped.</summary>
    TamperedCiphertext = 2,

    /// <summary>Its document is JSON, but not a connection's (a field of the wrong type).</summary>
    MalformedDocument = 3,
}

/// <summary>Breaks a row of the SQLite store's file in place, behind the store's back.</summary>
internal static class SqliteBadRows
{
    public const string RetiredKeyId = "retired-2024";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<BadRow> All => new(Enum.GetValues<BadRow>());

    /// <summary>What configuring the missing key again amounts to for a row of <see cref="BadRow.UnknownKey"/>: its key id is known again.</summary>
    public static async Task RestoreKeyIdAsync(string databasePath, string connectionId, string keyId)
    {
        await using var connection = await OpenAsync(databasePath);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE connections SET access_token_key_id = @key, refresh_token_key_id = @key WHERE id = @id";
        command.Parameters.AddWithValue("@id", connectionId);
        command.Parameters.AddWithValue("@key", keyId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Cancel));
    }

    public static async Task BreakAsync(string databasePath, string connectionId, BadRow bad)
    {
        await using var connection = await OpenAsync(databasePath);
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("@id", connectionId);
        switch (bad)
        {
            case BadRow.UnknownKey:
                command.CommandText = """
                    UPDATE connections
                    SET access_token_key_id = CASE WHEN access_token IS NULL THEN NULL ELSE @key END,
                        refresh_token_key_id = CASE WHEN refresh_token IS NULL THEN NULL ELSE @key END
                    WHERE id = @id
                    """;
                command.Parameters.AddWithValue("@key", RetiredKeyId);
                break;
            case BadRow.TamperedCiphertext:
                command.CommandText = "SELECT access_token FROM connections WHERE id = @id";
                var ciphertext = (byte[])(await command.ExecuteScalarAsync(Cancel))!;
                ciphertext[ciphertext.Length / 2] ^= 0x01;
                command.CommandText = "UPDATE connections SET access_token = @tampered WHERE id = @id";
                command.Parameters.AddWithValue("@tampered", ciphertext);
                break;
            case BadRow.MalformedDocument:
                // Valid JSON (the expression indexes refuse anything else), but no connection's document.
                command.CommandText = """UPDATE connections SET document = '{"createdAt":"yesterday","scopes":7}' WHERE id = @id""";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(bad), bad, null);
        }

        Assert.Equal(1, await command.ExecuteNonQueryAsync(Cancel));
    }

    private static async Task<SqliteConnection> OpenAsync(string databasePath)
    {
        // Unpooled, so the test can delete the file afterwards.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        await connection.OpenAsync(Cancel);
        return connection;
    }
}
