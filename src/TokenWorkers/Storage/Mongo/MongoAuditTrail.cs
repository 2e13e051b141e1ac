using MongoDB.Bson;
using MongoDB.Driver;
using TokenWorkers.Ports;

namespace TokenWorkers.Storage.Mongo;

/// <summary>The audit trail on MongoDB: one document per record in its own collection (default <c>audit</c>).</summary>
public sealed class MongoAuditTrail : IAuditTrail
{
    private static readonly FilterDefinitionBuilder<BsonDocument> Filter = Builders<BsonDocument>.Filter;

    private readonly MongoStoreContext _context;
    private readonly IMongoCollection<BsonDocument> _audit;

    public MongoAuditTrail(MongoStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _audit = context.GetCollection<BsonDocument>(context.Options.Collections.Audit);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _context.EnsureReachableAsync(cancellationToken);
        await _context.EnsureIndexesAsync(
            _audit,
            [
                new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("target").Descending("_id"), new CreateIndexOptions { Name = "target_id" }),
                new CreateIndexModel<BsonDocument>(Builders<BsonDocument>.IndexKeys.Ascending("at"), new CreateIndexOptions { Name = "at" }),
            ],
            cancellationToken);
    }

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var document = new BsonDocument
        {
            ["_id"] = record.Id,
            ["at"] = BsonTime.ToBson(record.At),
            ["actor"] = record.Actor,
            ["action"] = record.Action,
            ["target"] = (BsonValue?)record.Target ?? BsonNull.Value,
            ["status"] = record.Status,
            ["outcome"] = record.Outcome.ToString(),
            ["detail"] = (BsonValue?)record.Detail ?? BsonNull.Value,
        };
        try
        {
            await _audit.InsertOneAsync(document, options: null, cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // A retried append whose first try landed: the record is there once.
        }
    }

    public async Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var filter = Filter.Empty;
        if (query.Before is { } before)
        {
            filter &= Filter.Lt("_id", before);
        }

        if (query.Target is { } target)
        {
            filter &= Filter.Eq("target", target);
        }

        if (query.Actor is { } actor)
        {
            filter &= Filter.Eq("actor", actor);
        }

        var documents = await _audit.Find(filter).Sort(Builders<BsonDocument>.Sort.Descending("_id")).Limit(query.Limit).ToListAsync(cancellationToken);
        return [.. documents.Select(d => new AuditRecord(
            d["_id"].AsString,
            BsonTime.FromBson(d["at"].ToUniversalTime()),
            d["actor"].AsString,
            d["action"].AsString,
            d["target"].IsBsonNull ? null : d["target"].AsString,
            d["status"].AsInt32,
            Enum.Parse<AuditOutcome>(d["outcome"].AsString),
            d["detail"].IsBsonNull ? null : d["detail"].AsString))];
    }

    public async Task<long> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var result = await _audit.DeleteManyAsync(Filter.Lt("at", BsonTime.ToBson(before)), cancellationToken);
        return result.DeletedCount;
    }
}
