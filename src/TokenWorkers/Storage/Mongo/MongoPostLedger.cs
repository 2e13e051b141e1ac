using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Posts;

namespace TokenWorkers.Storage.Mongo;

/// <summary>
/// The posting ledger on MongoDB: one document per PostId in its own collection (default <c>posts</c>) of the
/// store's database, every write a FindOneAndUpdate filtered on <c>_id</c> and <c>version</c>.
/// </summary>
public sealed class MongoPostLedger : IPostLedger
{
    private static readonly FindOneAndUpdateOptions<PostDocument> ReturnUpdated = new() { ReturnDocument = ReturnDocument.After, IsUpsert = false };

    private readonly MongoStoreContext _context;
    private readonly IMongoCollection<PostDocument> _posts;

    public MongoPostLedger(MongoStoreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        PostDocumentMaps.EnsureRegistered();
        _context = context;
        _posts = context.GetCollection<PostDocument>(context.Options.Collections.Posts);
    }

    /// <summary>The collection as the ledger uses it, with its read and write settings; for tests.</summary>
    internal IMongoCollection<PostDocument> Collection => _posts;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _context.EnsureReachableAsync(cancellationToken);
        await _context.EnsureIndexesAsync(_posts, PostLedgerQueries.Indexes, cancellationToken);
    }

    public async Task<PostEntry?> FindAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var document = await _posts.Find(PostLedgerQueries.ById(id)).FirstOrDefaultAsync(cancellationToken);
        return document?.ToEntry();
    }

    public async Task<PostEntry?> TryInsertAsync(PostEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var document = PostDocument.From(entry, version: 1);
        try
        {
            await _posts.InsertOneAsync(document, options: null, cancellationToken);
        }
        catch (MongoWriteException ex) when (ex.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            return null;
        }

        return document.ToEntry();
    }

    public async Task<PostEntry?> TryUpdateAsync(PostEntry updated, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(updated);
        var document = PostDocument.From(updated, expectedVersion + 1);
        var stored = await _posts.FindOneAndUpdateAsync(
            PostLedgerQueries.ByIdAndVersion(updated.PostId, expectedVersion), PostLedgerQueries.ReplaceState(document), ReturnUpdated, cancellationToken);
        return stored?.ToEntry();
    }

    public async Task<bool> TryClearPendingEventsAsync(string id, long expectedVersion, CancellationToken cancellationToken)
    {
        var result = await _posts.UpdateOneAsync(
            PostLedgerQueries.ByIdAndVersion(id, expectedVersion), PostLedgerQueries.ClearPendingEvents, options: null, cancellationToken);
        return result.MatchedCount == 1;
    }

    public async Task<ReadBatch<PostEntry>> FindWithPendingEventsAsync(DateTimeOffset createdAtOrBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var documents = await _posts.Find(PostLedgerQueries.PendingAtOrBefore(createdAtOrBefore)).Sort(PostLedgerQueries.OldestPendingFirst)
            .Limit(limit).ToListAsync(cancellationToken);
        return new ReadBatch<PostEntry>(documents.ConvertAll(d => d.ToEntry()));
    }

    public async Task<IReadOnlyList<PostEntry>> FindDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var documents = await _posts.Find(PostLedgerQueries.DueAt(now)).Sort(PostLedgerQueries.EarliestFirst).Limit(limit).ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToEntry());
    }

    public async Task<IReadOnlyList<PostEntry>> FindAwaitingReauthAsync(string? afterPostId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var documents = await _posts.Find(PostLedgerQueries.AwaitingReauthAfter(afterPostId)).Sort(PostLedgerQueries.ByPostId)
            .Limit(limit).ToListAsync(cancellationToken);
        return documents.ConvertAll(d => d.ToEntry());
    }
}

/// <summary>The ledger's filters, sorts, update and indexes, rendered in tests exactly as they go on the wire.</summary>
internal static class PostLedgerQueries
{
    public const string DueIndex = "due_notBefore";
    public const string AwaitingIndex = "awaiting_reauth";
    public const string PendingIndex = "outbox_oldestPendingAt";

    private static FilterDefinitionBuilder<PostDocument> Filter => Builders<PostDocument>.Filter;

    public static FilterDefinition<PostDocument> ById(string postId) => Filter.Eq(p => p.Id, postId);

    public static FilterDefinition<PostDocument> ByIdAndVersion(string postId, long version) =>
        Filter.And(Filter.Eq(p => p.Id, postId), Filter.Eq(p => p.Version, version));

    /// <summary>
    /// <c>{ notBefore: { $type: date } }</c>: the due index's partial filter, and part of the due query, which is what
    /// lets the planner use that partial index (it does not infer it from <c>$lte</c>).
    /// </summary>
    public static FilterDefinition<PostDocument> HasNotBefore { get; } = Filter.Type(p => p.NotBefore, BsonType.DateTime);

    /// <summary><c>{ oldestPendingAt: { $type: date } }</c>: the outbox index's partial filter, and part of its query.</summary>
    public static FilterDefinition<PostDocument> HasPendingEvents { get; } = Filter.Type(p => p.OldestPendingAt, BsonType.DateTime);

    /// <summary><c>{ state: "AwaitingReauth" }</c>: the awaiting index's partial filter, and part of its query.</summary>
    public static FilterDefinition<PostDocument> IsAwaitingReauth { get; } = Filter.Eq(p => p.State, PostState.AwaitingReauth);

    public static FilterDefinition<PostDocument> DueAt(DateTimeOffset now) => HasNotBefore & Filter.Lte(p => p.NotBefore, BsonTime.ToBson(now));

    public static FilterDefinition<PostDocument> AwaitingReauthAfter(string? afterPostId) => afterPostId is null
        ? IsAwaitingReauth
        : IsAwaitingReauth & Filter.Gt(p => p.Id, afterPostId);

    public static SortDefinition<PostDocument> EarliestFirst => Builders<PostDocument>.Sort.Ascending(p => p.NotBefore).Ascending(p => p.Id);

    /// <summary>Entries holding an event created at or before the cutoff: exactly those whose oldest pending event is.</summary>
    public static FilterDefinition<PostDocument> PendingAtOrBefore(DateTimeOffset createdAtOrBefore) =>
        HasPendingEvents & Filter.Lte(p => p.OldestPendingAt, BsonTime.ToBson(createdAtOrBefore));

    public static SortDefinition<PostDocument> OldestPendingFirst => Builders<PostDocument>.Sort.Ascending(p => p.OldestPendingAt).Ascending(p => p.Id);

    /// <summary><c>{ $set: { pendingEvents: [], oldestPendingAt: null } }</c>: the outbox removal; the version stays.</summary>
    public static UpdateDefinition<PostDocument> ClearPendingEvents { get; } = new BsonDocument(
        "$set", new BsonDocument { { "pendingEvents", new BsonArray() }, { "oldestPendingAt", BsonNull.Value } });

    public static SortDefinition<PostDocument> ByPostId => Builders<PostDocument>.Sort.Ascending(p => p.Id);

    /// <summary><c>{ $set: { every field but _id and version }, $inc: { version: 1 } }</c>.</summary>
    public static UpdateDefinition<PostDocument> ReplaceState(PostDocument updated)
    {
        var state = updated.ToBsonDocument();
        state.Remove("_id");
        state.Remove("version");
        return new BsonDocument { { "$set", state }, { "$inc", new BsonDocument("version", new BsonInt64(1)) } };
    }

    public static IReadOnlyList<CreateIndexModel<PostDocument>> Indexes { get; } =
    [
        new(Builders<PostDocument>.IndexKeys.Ascending(p => p.NotBefore).Ascending(p => p.Id),
            new CreateIndexOptions<PostDocument> { Name = DueIndex, PartialFilterExpression = HasNotBefore }),
        new(Builders<PostDocument>.IndexKeys.Ascending(p => p.Id),
            new CreateIndexOptions<PostDocument> { Name = AwaitingIndex, PartialFilterExpression = IsAwaitingReauth }),
        new(Builders<PostDocument>.IndexKeys.Ascending(p => p.OldestPendingAt).Ascending(p => p.Id),
            new CreateIndexOptions<PostDocument> { Name = PendingIndex, PartialFilterExpression = HasPendingEvents }),
    ];
}
