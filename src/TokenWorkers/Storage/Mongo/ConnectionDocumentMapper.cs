using TokenWorkers.Connections;
using TokenWorkers.Events;

namespace TokenWorkers.Storage.Mongo;

/// <summary>Converts between the domain <see cref="Connection"/> and its stored document; tokens go through the codec.</summary>
internal sealed class ConnectionDocumentMapper(IMongoTokenCodec codec)
{
    /// <summary>The document for <paramref name="connection"/> carrying <paramref name="version"/>, whatever the record says.</summary>
    public ConnectionDocument ToDocument(Connection connection, long version)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(connection.ConnectionId);
        var id = connection.ConnectionId;
        var pending = connection.PendingEvents.Select(e => new PendingEventDocument
        {
            EventId = e.EventId,
            Kind = e.Kind,
            Payload = e.Payload,
            CreatedAt = BsonTime.ToBson(e.CreatedAt),
            TraceParent = e.TraceParent,
        }).ToList();

        return new ConnectionDocument
        {
            Id = id,
            TenantId = connection.TenantId,
            MemberUrn = connection.MemberUrn,
            App = connection.App,
            Scopes = [.. connection.Scopes],
            Status = connection.Status,
            AccessToken = Protect(connection.AccessToken, id, MongoTokenKind.Access),
            RefreshToken = Protect(connection.RefreshToken, id, MongoTokenKind.Refresh),
            AccessTokenExpiresAt = BsonTime.ToBson(connection.AccessTokenExpiresAt),
            RefreshTokenExpiresAt = BsonTime.ToBson(connection.RefreshTokenExpiresAt),
            NextRefreshAt = BsonTime.ToBson(connection.NextRefreshAt),
            LastRefreshedAt = BsonTime.ToBson(connection.LastRefreshedAt),
            CreatedAt = BsonTime.ToBson(connection.CreatedAt),
            Version = version,
            Lease = connection.Lease is { } lease
                ? new LeaseDocument { Holder = lease.Holder, Until = BsonTime.ToBson(lease.Until) }
                : null,
            FailureCount = connection.FailureCount,
            LastFailure = connection.LastFailure is { } failure
                ? new FailureDocument
                {
                    Class = failure.Class,
                    ErrorCode = failure.ErrorCode,
                    Message = failure.Message,
                    At = BsonTime.ToBson(failure.At),
                }
                : null,
            ProblemSince = BsonTime.ToBson(connection.ProblemSince),
            ReauthWarningsSent = [.. connection.ReauthWarningsSent],
            WarningDeadline = BsonTime.ToBson(connection.WarningDeadline),
            PendingEvents = pending,
            Attempts = [.. connection.Attempts.Select(a => new AttemptDocument
            {
                At = BsonTime.ToBson(a.At),
                Trigger = a.Trigger,
                Outcome = a.Outcome,
                ErrorCode = a.ErrorCode,
                Version = a.Version,
            })],
            OldestPendingAt = pending.Count == 0 ? null : pending.Min(e => e.CreatedAt),
            WriteId = connection.WriteId,
        };
    }

    public Connection ToConnection(ConnectionDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var id = document.Id;
        return new Connection
        {
            ConnectionId = id,
            TenantId = document.TenantId,
            MemberUrn = document.MemberUrn,
            App = document.App ?? Connection.DefaultApp,
            Scopes = document.Scopes is { } scopes ? [.. scopes] : [],
            Status = document.Status,
            AccessToken = Unprotect(document.AccessToken, id, MongoTokenKind.Access),
            RefreshToken = Unprotect(document.RefreshToken, id, MongoTokenKind.Refresh),
            AccessTokenExpiresAt = BsonTime.FromBson(document.AccessTokenExpiresAt),
            RefreshTokenExpiresAt = BsonTime.FromBson(document.RefreshTokenExpiresAt),
            NextRefreshAt = BsonTime.FromBson(document.NextRefreshAt),
            LastRefreshedAt = BsonTime.FromBson(document.LastRefreshedAt),
            CreatedAt = BsonTime.FromBson(document.CreatedAt),
            Version = document.Version,
            Lease = document.Lease is { } lease ? new Lease(lease.Holder, BsonTime.FromBson(lease.Until)) : null,
            FailureCount = document.FailureCount,
            LastFailure = document.LastFailure is { } failure
                ? new ConnectionFailure(failure.Class, failure.ErrorCode, failure.Message, BsonTime.FromBson(failure.At))
                : null,
            ProblemSince = BsonTime.FromBson(document.ProblemSince),
            ReauthWarningsSent = document.ReauthWarningsSent is { } sent ? [.. sent] : [],
            WarningDeadline = BsonTime.FromBson(document.WarningDeadline),
            PendingEvents = document.PendingEvents is { } pending
                ? [.. pending.Select(e => new PendingEvent(e.EventId, e.Kind, e.Payload, BsonTime.FromBson(e.CreatedAt), e.TraceParent))]
                : [],
            Attempts = document.Attempts is { } attempts
                ? [.. attempts.Select(a => new RefreshAttempt(BsonTime.FromBson(a.At), a.Trigger, a.Outcome, a.ErrorCode, a.Version))]
                : [],
            WriteId = document.WriteId,
        };
    }

    private TokenDocument? Protect(SecretToken? token, string connectionId, MongoTokenKind kind)
    {
        if (token is null)
        {
            return null;
        }

        var stored = codec.Protect(token, connectionId, kind);
        return new TokenDocument { KeyId = stored.KeyId, Data = stored.Data.ToArray() };
    }

    private SecretToken? Unprotect(TokenDocument? stored, string connectionId, MongoTokenKind kind) =>
        stored is null ? null : codec.Unprotect(new MongoProtectedToken(stored.KeyId, stored.Data), connectionId, kind);
}
