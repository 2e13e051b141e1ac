using System.Text.Json;
using Microsoft.Data.Sqlite;
using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Storage.Encryption;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>A connection as one row of the <c>connections</c> table, tokens encrypted.</summary>
internal sealed record ConnectionRow(
    string Id,
    string TenantId,
    string Status,
    long Version,
    long? NextRefreshAt,
    long? OldestPendingAt,
    ProtectedToken? AccessToken,
    ProtectedToken? RefreshToken,
    string Document)
{
    /// <summary>
    /// The document this row was built from for a write, so that the connection returned after the write is rebuilt from
    /// it instead of from <see cref="Document"/>: the same values (the document holds only what its JSON holds) without
    /// parsing JSON the process has just written. Null for a row read from the file.
    /// </summary>
    private StoredDocument? Written { get; init; }

    public static ConnectionRow From(Connection connection, long version, ITokenProtector protector)
    {
        var id = connection.ConnectionId;
        var document = new StoredDocument
        {
            MemberUrn = connection.MemberUrn,
            App = connection.App == Connection.DefaultApp ? null : connection.App,
            Scopes = connection.Scopes,
            AccessTokenExpiresAt = UnixMilliseconds.From(connection.AccessTokenExpiresAt),
            RefreshTokenExpiresAt = UnixMilliseconds.From(connection.RefreshTokenExpiresAt),
            LastRefreshedAt = UnixMilliseconds.From(connection.LastRefreshedAt),
            CreatedAt = UnixMilliseconds.From(connection.CreatedAt),
            Lease = connection.Lease is { } lease ? new StoredLease(lease.Holder, UnixMilliseconds.From(lease.Until)) : null,
            FailureCount = connection.FailureCount,
            LastFailure = connection.LastFailure is { } failure
                ? new StoredFailure(failure.Class, failure.ErrorCode, failure.Message, UnixMilliseconds.From(failure.At))
                : null,
            ProblemSince = UnixMilliseconds.From(connection.ProblemSince),
            ReauthWarningsSent = connection.ReauthWarningsSent,
            WarningDeadline = UnixMilliseconds.From(connection.WarningDeadline),
            PendingEvents = [.. connection.PendingEvents.Select(e =>
                new StoredEvent(e.EventId, e.Kind, e.Payload, UnixMilliseconds.From(e.CreatedAt), e.TraceParent))],
            Attempts = [.. connection.Attempts.Select(a =>
                new StoredAttempt(UnixMilliseconds.From(a.At), a.Trigger, a.Outcome, a.ErrorCode, a.Version))],
            WriteId = connection.WriteId,
        };

        return new ConnectionRow(
            id,
            connection.TenantId,
            Enum.GetName(connection.Status)
                ?? throw new ArgumentException($"Connection '{id}' has an undefined status {(int)connection.Status}.", nameof(connection)),
            version,
            UnixMilliseconds.From(connection.NextRefreshAt),
            document.PendingEvents.Count == 0 ? null : document.PendingEvents.Min(e => e.CreatedAt),
            connection.AccessToken is { } access ? protector.Protect(access, id, TokenKind.Access) : null,
            connection.RefreshToken is { } refresh ? protector.Protect(refresh, id, TokenKind.Refresh) : null,
            JsonSerializer.Serialize(document, StoredDocumentJsonContext.Default.StoredDocument))
        {
            Written = document,
        };
    }

    public static ConnectionRow Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt64(3),
        reader.IsDBNull(4) ? null : reader.GetInt64(4),
        reader.IsDBNull(5) ? null : reader.GetInt64(5),
        reader.IsDBNull(6) ? null : new ProtectedToken(reader.GetString(6), reader.GetFieldValue<byte[]>(7)),
        reader.IsDBNull(8) ? null : new ProtectedToken(reader.GetString(8), reader.GetFieldValue<byte[]>(9)),
        reader.GetString(10));

    public void Bind(SqliteParameterCollection parameters)
    {
        parameters.AddWithValue("@id", Id);
        parameters.AddWithValue("@tenant_id", TenantId);
        parameters.AddWithValue("@status", Status);
        parameters.AddWithValue("@next_refresh_at", (object?)NextRefreshAt ?? DBNull.Value);
        parameters.AddWithValue("@oldest_pending_at", (object?)OldestPendingAt ?? DBNull.Value);
        parameters.AddWithValue("@access_token_key_id", (object?)AccessToken?.KeyId ?? DBNull.Value);
        parameters.AddWithValue("@access_token", (object?)AccessToken?.Ciphertext ?? DBNull.Value);
        parameters.AddWithValue("@refresh_token_key_id", (object?)RefreshToken?.KeyId ?? DBNull.Value);
        parameters.AddWithValue("@refresh_token", (object?)RefreshToken?.Ciphertext ?? DBNull.Value);
        parameters.AddWithValue("@document", Document);
    }

    /// <summary>Decrypts the tokens and rebuilds the connection.</summary>
    public Connection ToConnection(ITokenProtector protector) => ToConnection(
        AccessToken is null ? null : protector.Unprotect(AccessToken, Id, TokenKind.Access),
        RefreshToken is null ? null : protector.Unprotect(RefreshToken, Id, TokenKind.Refresh));

    /// <summary>Rebuilds the connection around tokens already in hand (after a write), without decrypting.</summary>
    public Connection ToConnection(SecretToken? accessToken, SecretToken? refreshToken)
    {
        var document = Written
            ?? JsonSerializer.Deserialize(Document, StoredDocumentJsonContext.Default.StoredDocument)
            ?? throw new InvalidDataException($"Connection '{Id}' has an empty document.");

        return new Connection
        {
            ConnectionId = Id,
            TenantId = TenantId,
            MemberUrn = document.MemberUrn,
            App = document.App ?? Connection.DefaultApp,
            Scopes = document.Scopes,
            Status = Enum.Parse<ConnectionStatus>(Status),
            AccessToken = accessToken,
            RefreshToken = refreshToken,
            AccessTokenExpiresAt = UnixMilliseconds.ToDate(document.AccessTokenExpiresAt),
            RefreshTokenExpiresAt = UnixMilliseconds.ToDate(document.RefreshTokenExpiresAt),
            NextRefreshAt = UnixMilliseconds.ToDate(NextRefreshAt),
            LastRefreshedAt = UnixMilliseconds.ToDate(document.LastRefreshedAt),
            CreatedAt = UnixMilliseconds.ToDate(document.CreatedAt),
            Version = Version,
            Lease = document.Lease is { } lease ? new Lease(lease.Holder, UnixMilliseconds.ToDate(lease.Until)) : null,
            FailureCount = document.FailureCount,
            LastFailure = document.LastFailure is { } failure
                ? new ConnectionFailure(failure.Class, failure.ErrorCode, failure.Message, UnixMilliseconds.ToDate(failure.At))
                : null,
            ProblemSince = UnixMilliseconds.ToDate(document.ProblemSince),
            ReauthWarningsSent = document.ReauthWarningsSent,
            WarningDeadline = UnixMilliseconds.ToDate(document.WarningDeadline),
            PendingEvents = [.. document.PendingEvents.Select(e =>
                new PendingEvent(e.EventId, e.Kind, e.Payload, UnixMilliseconds.ToDate(e.CreatedAt), e.TraceParent))],
            Attempts = [.. document.Attempts.Select(a =>
                new RefreshAttempt(UnixMilliseconds.ToDate(a.At), a.Trigger, a.Outcome, a.ErrorCode, a.Version))],
            WriteId = document.WriteId,
        };
    }
}
