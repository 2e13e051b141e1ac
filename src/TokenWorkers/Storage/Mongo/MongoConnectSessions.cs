using MongoDB.Bson;
using MongoDB.Driver;
using TokenWorkers.Ports;

namespace TokenWorkers.Storage.Mongo;

/// <summary>
/// Connect sessions on MongoDB (collection default <c>connectSessions</c>). Redemption is one FindOneAndUpdate filtered on
/// "not redeemed, not expired", so exactly one caller redeems a session however many instances race.
/// </summary>
public sealed class MongoConnectSessions : IConnectSessions
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly MongoStoreContext _context;
    private readonly IMongoCollection<BsonDocument> _sessions;

    public MongoConnectSessions(MongoStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _sessions = context.GetCollection<BsonDocument>(context.Options.Collections.ConnectSessions);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _context.EnsureReachableAsync(cancellationToken);
        await _context.EnsureIndexesAsync(
            _sessions,
            [new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("expiresAt"), new CreateIndexOptions { Name = "expiresAt" })],
            cancellationToken);
    }

    public async Task<bool> TryAddAsync(ConnectSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            await _sessions.InsertOneAsync(ToDocument(session), options: null, cancellationToken);
            return true;
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return false;
        }
    }

    public async Task<ConnectSession?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var document = await _sessions.Find(Filter.Eq("_id", id)).FirstOrDefaultAsync(cancellationToken);
        return document is null ? null : FromDocument(document);
    }

    public async Task<ConnectSession?> TryRedeemAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var at = BsonTime.ToBson(now);
        var document = await _sessions.FindOneAndUpdateAsync(
            Filter.Eq("_id", id) & Filter.Eq("redeemedAt", BsonNull.Value) & Filter.Gt("expiresAt", at),
            Builders<BsonDocument>.Update.Set("redeemedAt", at),
            new FindOneAndUpdateOptions<BsonDocument> { ReturnDocument = ReturnDocument.After },
            cancellationToken);
        return document is null ? null : FromDocument(document);
    }

    public async Task<long> DeleteExpiredAsync(DateTimeOffset expiredBefore, CancellationToken cancellationToken)
    {
        var result = await _sessions.DeleteManyAsync(Filter.Lt("expiresAt", BsonTime.ToBson(expiredBefore)), cancellationToken);
        return result.DeletedCount;
    }

    private static BsonDocument ToDocument(ConnectSession session) => new()
    {
        ["_id"] = session.Id,
        ["connectionId"] = session.ConnectionId,
        ["tenantId"] = session.TenantId,
        ["returnUrl"] = (BsonValue?)session.ReturnUrl?.AbsoluteUri ?? BsonNull.Value,
        ["createdAt"] = BsonTime.ToBson(session.CreatedAt),
        ["expiresAt"] = BsonTime.ToBson(session.ExpiresAt),
        ["createdBy"] = session.CreatedBy,
        ["redeemedAt"] = session.RedeemedAt is { } redeemed ? BsonTime.ToBson(redeemed) : BsonNull.Value,
        ["app"] = session.App,
    };

    private static ConnectSession FromDocument(BsonDocument d) => new(
        d["_id"].AsString,
        d["connectionId"].AsString,
        d["tenantId"].AsString,
        d["returnUrl"].IsBsonNull ? null : new Uri(d["returnUrl"].AsString),
        BsonTime.FromBson(d["createdAt"].ToUniversalTime()),
        BsonTime.FromBson(d["expiresAt"].ToUniversalTime()),
        d["createdBy"].AsString,
        d["redeemedAt"].IsBsonNull ? null : BsonTime.FromBson(d["redeemedAt"].ToUniversalTime()),
        d.TryGetValue("app", out var app) && app.IsString ? app.AsString : Connections.Connection.DefaultApp);
}
