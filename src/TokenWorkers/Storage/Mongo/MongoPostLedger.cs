using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Publishing;

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

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _context.EnsureReachableAsync(cancellationToken);
        await _context.EnsureIndexesAsync(_posts, PostLedgerQueries.Indexes, cancellationToken);
    }

    public async Task<PostEntry?> FindAsync(string postId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(postId);
        var document = await _posts.Find(PostLedgerQueries.ById(postId)).FirstOrDefaultAsync(cancellationToken);
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

    private static FilterDefinitionBuilder<PostDocument> Filter => Builders<PostDocument>.Filter;

    public static FilterDefinition<PostDocument> ById(string postId) => Filter.Eq(p => p.Id, postId);

    public static FilterDefinition<PostDocument> ByIdAndVersion(string postId, long version) =>
        Filter.And(Filter.Eq(p => p.Id, postId), Filter.Eq(p => p.Version, version));

    public static FilterDefinition<PostDocument> DueAt(DateTimeOffset now) => Filter.Lte(p => p.NotBefore, BsonTime.ToBson(now));

    public static FilterDefinition<PostDocument> AwaitingReauthAfter(string? afterPostId) => afterPostId is null
        ? Filter.Eq(p => p.State, PostState.AwaitingReauth)
        : Filter.And(Filter.Eq(p => p.State, PostState.AwaitingReauth), Filter.Gt(p => p.Id, afterPostId));

    public static SortDefinition<PostDocument> EarliestFirst => Builders<PostDocument>.Sort.Ascending(p => p.NotBefore).Ascending(p => p.Id);

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
            new CreateIndexOptions<PostDocument> { Name = DueIndex, PartialFilterExpression = Filter.Type(p => p.NotBefore, BsonType.DateTime) }),
        new(Builders<PostDocument>.IndexKeys.Ascending(p => p.Id),
            new CreateIndexOptions<PostDocument> { Name = AwaitingIndex, PartialFilterExpression = Filter.Eq(p => p.State, PostState.AwaitingReauth) }),
    ];
}

/// <summary>The persisted shape of a <see cref="PostEntry"/>; element names and BSON types are fixed in <see cref="PostDocumentMaps"/>.</summary>
internal sealed class PostDocument
{
    public string Id { get; set; } = "";

    public string ConnectionId { get; set; } = "";

    public string Text { get; set; } = "";

    public PostVisibility Visibility { get; set; }

    public string? ArticleUrl { get; set; }

    public string? ArticleTitle { get; set; }

    public string? ArticleDescription { get; set; }

    public PostState State { get; set; }

    public int Attempts { get; set; }

    public string? Urn { get; set; }

    public PostErrorDocument? LastError { get; set; }

    public DateTime? NotBefore { get; set; }

    public LeaseDocument? Claim { get; set; }

    public long? AwaitingConnectionVersion { get; set; }

    public long Version { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public static PostDocument From(PostEntry e, long version) => new()
    {
        Id = e.PostId,
        ConnectionId = e.ConnectionId,
        Text = e.Content.Text,
        Visibility = e.Content.Visibility,
        ArticleUrl = e.Content.ArticleUrl,
        ArticleTitle = e.Content.ArticleTitle,
        ArticleDescription = e.Content.ArticleDescription,
        State = e.State,
        Attempts = e.Attempts,
        Urn = e.Urn,
        LastError = e.LastError is { } error ? new PostErrorDocument { Class = error.Class, Message = error.Message, At = BsonTime.ToBson(error.At) } : null,
        NotBefore = e.NotBefore is { } notBefore ? BsonTime.ToBson(notBefore) : null,
        Claim = e.Claim is { } claim ? new LeaseDocument { Holder = claim.Holder, Until = BsonTime.ToBson(claim.Until) } : null,
        AwaitingConnectionVersion = e.AwaitingConnectionVersion,
        Version = version,
        CreatedAt = BsonTime.ToBson(e.CreatedAt),
        UpdatedAt = BsonTime.ToBson(e.UpdatedAt),
    };

    public PostEntry ToEntry() => new()
    {
        PostId = Id,
        ConnectionId = ConnectionId,
        Content = new PostContent(Text, Visibility, ArticleUrl, ArticleTitle, ArticleDescription),
        State = State,
        Attempts = Attempts,
        Urn = Urn,
        LastError = LastError is { } error ? new PostError(error.Class, error.Message, BsonTime.FromBson(error.At)) : null,
        NotBefore = NotBefore is { } notBefore ? BsonTime.FromBson(notBefore) : null,
        Claim = Claim is { } claim ? new Lease(claim.Holder, BsonTime.FromBson(claim.Until)) : null,
        AwaitingConnectionVersion = AwaitingConnectionVersion,
        Version = Version,
        CreatedAt = BsonTime.FromBson(CreatedAt),
        UpdatedAt = BsonTime.FromBson(UpdatedAt),
    };
}

internal sealed class PostErrorDocument
{
    public FailureClass Class { get; set; }

    public string Message { get; set; } = "";

    public DateTime At { get; set; }
}

/// <summary>Explicit class maps for the ledger's documents, in the style of <see cref="ConnectionDocumentMaps"/>.</summary>
internal static class PostDocumentMaps
{
    private static readonly Lock Gate = new();
    private static bool _registered;

    private static readonly IBsonSerializer<DateTime> UtcDate = new DateTimeSerializer(DateTimeKind.Utc, BsonType.DateTime);
    private static readonly IBsonSerializer<DateTime?> OptionalUtcDate = new NullableSerializer<DateTime>(UtcDate);

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            // The lease document's map is the connection store's.
            ConnectionDocumentMaps.EnsureRegistered();
            Register<PostErrorDocument>(cm =>
            {
                cm.MapMember(e => e.Class).SetElementName("class").SetIsRequired(true).SetSerializer(new EnumSerializer<FailureClass>(BsonType.String));
                cm.MapMember(e => e.Message).SetElementName("message").SetIsRequired(true);
                cm.MapMember(e => e.At).SetElementName("at").SetIsRequired(true).SetSerializer(UtcDate);
            });
            Register<PostDocument>(cm =>
            {
                cm.MapIdMember(p => p.Id).SetSerializer(new StringSerializer(BsonType.String));
                cm.MapMember(p => p.ConnectionId).SetElementName("connectionId").SetIsRequired(true);
                cm.MapMember(p => p.Text).SetElementName("text").SetIsRequired(true);
                cm.MapMember(p => p.Visibility).SetElementName("visibility").SetIsRequired(true)
                    .SetSerializer(new EnumSerializer<PostVisibility>(BsonType.String));
                cm.MapMember(p => p.ArticleUrl).SetElementName("articleUrl");
                cm.MapMember(p => p.ArticleTitle).SetElementName("articleTitle");
                cm.MapMember(p => p.ArticleDescription).SetElementName("articleDescription");
                cm.MapMember(p => p.State).SetElementName("state").SetIsRequired(true).SetSerializer(new EnumSerializer<PostState>(BsonType.String));
                cm.MapMember(p => p.Attempts).SetElementName("attempts");
                cm.MapMember(p => p.Urn).SetElementName("urn");
                cm.MapMember(p => p.LastError).SetElementName("lastError");
                cm.MapMember(p => p.NotBefore).SetElementName("notBefore").SetSerializer(OptionalUtcDate);
                cm.MapMember(p => p.Claim).SetElementName("claim");
                cm.MapMember(p => p.AwaitingConnectionVersion).SetElementName("awaitingConnectionVersion")
                    .SetSerializer(new NullableSerializer<long>(new Int64Serializer(BsonType.Int64)));
                cm.MapMember(p => p.Version).SetElementName("version").SetIsRequired(true).SetSerializer(new Int64Serializer(BsonType.Int64));
                cm.MapMember(p => p.CreatedAt).SetElementName("createdAt").SetIsRequired(true).SetSerializer(UtcDate);
                cm.MapMember(p => p.UpdatedAt).SetElementName("updatedAt").SetIsRequired(true).SetSerializer(UtcDate);
            });
            _registered = true;
        }
    }

    private static void Register<T>(Action<BsonClassMap<T>> map)
    {
        if (!BsonClassMap.TryRegisterClassMap<T>(cm =>
            {
                cm.SetIgnoreExtraElements(true);
                cm.SetDiscriminatorIsRequired(false);
                map(cm);
            }))
        {
            throw new InvalidOperationException($"A BSON class map for {typeof(T).Name} was registered before the ledger's own.");
        }
    }
}
