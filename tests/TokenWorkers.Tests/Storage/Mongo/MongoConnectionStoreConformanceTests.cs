using MongoDB.Bson;
using MongoDB.Driver;
using TokenWorkers.Connections;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Storage.Mongo;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>
/// The same conformance suite as SQLite, against a real MongoDB. Where none is reachable (our build
/// machines), every test reports itself skipped with the reason; a skip is never a pass.
/// </summary>
public sealed class MongoConnectionStoreConformanceTests : ConnectionStoreConformanceTests
{
    private readonly string _database = $"tw_conformance_{Guid.NewGuid():N}";
    private readonly List<MongoStoreContext> _contexts = [];
    private MongoServer? _server;

    public override async ValueTask InitializeAsync()
    {
        _server = await MongoServer.GetAsync();
        if (_server is null)
        {
            Assert.Skip(MongoFixture.NoServerReason);
        }

        await base.InitializeAsync();
    }

    protected override Task<IConnectionStore> CreateStoreAsync(ITokenProtector protector)
    {
        var context = new MongoStoreContext(new MongoStorageOptions { ConnectionString = _server!.ConnectionString, Database = _database });
        _contexts.Add(context);
        return Task.FromResult<IConnectionStore>(new MongoConnectionStore(context, new ProtectorMongoCodec(protector)));
    }

    protected override async Task<IReadOnlyList<byte[]>> ReadStoredBytesAsync()
    {
        var context = _contexts[0];
        var raw = context.Database.GetCollection<RawBsonDocument>(context.Options.Collections.Connections);
        var documents = await raw.Find(FilterDefinition<RawBsonDocument>.Empty).ToListAsync(Cancel);
        return documents.Select(d => d.ToBson()).ToArray();
    }

    protected override async Task BreakAsync(string connectionId, BadRow bad)
    {
        var context = _contexts[0];
        var raw = context.Database.GetCollection<BsonDocument>(context.Options.Collections.Connections);
        var filter = Builders<BsonDocument>.Filter.Eq("_id", connectionId);
        var update = Builders<BsonDocument>.Update;
        var change = bad switch
        {
            BadRow.UnknownKey => update.Set("accessToken.keyId", SqliteBadRows.RetiredKeyId).Set("refreshToken.keyId", SqliteBadRows.RetiredKeyId),
            BadRow.TamperedCiphertext => update.Set("accessToken.data", await FlippedAccessTokenAsync(raw, filter)),
            // A string where the class map reads a date: the driver cannot deserialize the document.
            _ => update.Set("createdAt", "yesterday"),
        };
        Assert.Equal(1, (await raw.UpdateOneAsync(filter, change, cancellationToken: Cancel)).ModifiedCount);
    }

    private static async Task<BsonBinaryData> FlippedAccessTokenAsync(IMongoCollection<BsonDocument> raw, FilterDefinition<BsonDocument> filter)
    {
        var document = await raw.Find(filter).SingleAsync(Cancel);
        var data = document["accessToken"]["data"].AsBsonBinaryData.Bytes.ToArray();
        data[data.Length / 2] ^= 0x01;
        return new BsonBinaryData(data);
    }

    protected override async ValueTask DeleteDataAsync()
    {
        if (_contexts.Count > 0)
        {
            await _contexts[0].Database.Client.DropDatabaseAsync(_database);
        }

        foreach (var context in _contexts)
        {
            context.Dispose();
        }
    }
}
