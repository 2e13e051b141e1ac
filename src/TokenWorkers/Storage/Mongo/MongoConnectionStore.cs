using MongoDB.Bson;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;
using TokenWorkers.Connections;
using TokenWorkers.Events;

namespace TokenWorkers.Storage.Mongo;

/// <summary>
/// The connection store on MongoDB: one document per connection, every write conditional on <c>_id</c> and
/// <c>version</c>, the lease and the outbox changed in the same single-document update. Needs no
/// transactions; writes wait for a journaled majority (<see cref="MongoDurability"/>), so a replica set makes them
/// survive a lost member, and a standalone server works on its one disk.
/// </summary>
public sealed partial class MongoConnectionStore : IConnectionStore
{
    private static readonly FindOneAndUpdateOptions<ConnectionDocument> ReturnUpdated = new()
    {
        ReturnDocument = ReturnDocument.After,
        IsUpsert = false,
    };

    private readonly MongoStoreContext _context;
    private readonly IMongoTokenCodec _codec;
    private readonly ConnectionDocumentMapper _mapper;
    private readonly IMongoCollection<ConnectionDocument> _connections;

    public MongoConnectionStore(MongoStoreContext context, IMongoTokenCodec codec)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(codec);
        ConnectionDocumentMaps.EnsureRegistered();
        _context = context;
        _codec = codec;
        _mapper = new ConnectionDocumentMapper(codec);
        _connections = context.GetCollection<ConnectionDocument>(context.Options.Collections.Connections);
    }

    /// <summary>The collection as the store uses it, with its read and write settings; for tests.</summary>
    internal IMongoCollection<ConnectionDocument> Collection => _connections;

    /// <summary>Checks the server answers (bounded; a clear <see cref="MongoStorageException"/> if not), then creates the indexes.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _context.EnsureReachableAsync(cancellationToken);
        await _context.EnsureIndexesAsync(_connections, ConnectionIndexes.All, cancellationToken);
    }

    public async Task<Connection?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        // Read as BSON and decoded here, so a document that does not deserialize is reported like any other bad row.
        var document = await _connections.Find(ConnectionFilters.ById(id)).As(BsonDocumentSerializer.Instance).FirstOrDefaultAsync(cancellationToken);
        if (document is null)
        {
            return null;
        }

        var read = Decode([document]);
        return read.Unreadable is [var bad] ? throw new UnreadableRowException(bad) : read.Items[0];
    }

    public async Task<Connection?> TryInsertAsync(Connection connection, CancellationToken cancellationToken)
    {
        var document = _mapper.ToDocument(connection, version: 1);
        try
        {
            await _connections.InsertOneAsync(document, options: null, cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            // _id is the only unique index: the connection exists, and nothing was changed.
            return null;
        }

        return _mapper.ToConnection(document);
    }

    public async Task<Connection?> TryUpdateAsync(Connection updated, long expectedVersion, CancellationToken cancellationToken)
    {
        var document = _mapper.ToDocument(updated, expectedVersion + 1);
        var stored = await _connections.FindOneAndUpdateAsync(
            ConnectionFilters.ByIdAndVersion(document.Id, expectedVersion),
            ConnectionWrites.ReplaceState(document),
            ReturnUpdated,
            cancellationToken);
        return stored is null ? null : _mapper.ToConnection(stored);
    }

    public async Task<bool> TryClearPendingEventsAsync(string id, long expectedVersion, CancellationToken cancellationToken)
    {
        var result = await _connections.UpdateOneAsync(
            ConnectionFilters.ByIdAndVersion(id, expectedVersion), ConnectionWrites.ClearPendingEvents, options: null, cancellationToken);
        return result.MatchedCount == 1;
    }

    public Task<ReadBatch<Connection>> FindDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        FindManyAsync(ConnectionFilters.DueAt(now), ConnectionSorts.EarliestDueFirst, limit, cancellationToken);

    public Task<ReadBatch<Connection>> FindWithPendingEventsAsync(
        DateTimeOffset createdAtOrBefore, int limit, CancellationToken cancellationToken) =>
        FindManyAsync(ConnectionFilters.PendingAtOrBefore(createdAtOrBefore), ConnectionSorts.OldestPendingFirst, limit, cancellationToken);

    public Task<ReadBatch<Connection>> ListAsync(string? afterConnectionId, int limit, CancellationToken cancellationToken) =>
        FindManyAsync(ConnectionFilters.After(afterConnectionId), ConnectionSorts.ById, limit, cancellationToken);

    public async Task<FleetSummary> SummarizeAsync(CancellationToken cancellationToken)
    {
        var groups = await _connections.Aggregate(ConnectionAggregations.Summary, options: null, cancellationToken)
            .ToListAsync(cancellationToken);
        var counts = new Dictionary<ConnectionStatus, long>();
        DateTimeOffset? earliestAccess = null, earliestEnd = null;
        var unreadable = 0L;
        foreach (var group in groups)
        {
            var status = Enum.Parse<ConnectionStatus>(group["_id"].AsString);
            counts[status] = group["count"].ToInt64();
            unreadable += group["unreadable"].ToInt64();
            if (status == ConnectionStatus.Active)
            {
                earliestAccess = Date(group["earliestAccessTokenExpiry"]);
                earliestEnd = Date(group["earliestRefreshTokenEnd"]);
            }
        }

        return new FleetSummary(counts, earliestAccess, earliestEnd) { Unreadable = unreadable };

        static DateTimeOffset? Date(BsonValue value) =>
            value.IsBsonNull ? null : new DateTimeOffset(value.ToUniversalTime(), TimeSpan.Zero);
    }

    private async Task<ReadBatch<Connection>> FindManyAsync(
        FilterDefinition<ConnectionDocument> filter,
        SortDefinition<ConnectionDocument> sort,
        int limit,
        CancellationToken cancellationToken)
    {
        // MongoDB reads a limit of 0 as "no limit": refuse it rather than return the whole collection.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var documents = await _connections.Find(filter).Sort(sort).Limit(limit).As(BsonDocumentSerializer.Instance).ToListAsync(cancellationToken);
        return Decode(documents);
    }
}
