using MongoDB.Bson;
using MongoDB.Driver;
using TokenWorkers.Storage.Mongo;

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>
/// Gives tests a MongoDB connection store on a database of their own, or skips them when no server is
/// reachable (see <see cref="MongoServer"/> for where a server is looked for). Use it as an xunit class
/// fixture (<c>IClassFixture&lt;MongoFixture&gt;</c>, then <see cref="CreateStoreAsync"/>) or without one through
/// the static <see cref="CreateStoreOrSkipAsync"/> / <see cref="TryCreateStoreAsync"/>.
/// </summary>
public sealed class MongoFixture : IAsyncLifetime
{
    public const string NoServerReason = "No MongoDB reachable: set MONGODB_URI, put mongod on PATH, or run a Docker engine";

    private MongoServer? _server;

    /// <summary>The server's connection string; null when none is reachable.</summary>
    public string? ConnectionString => _server?.ConnectionString;

    public async ValueTask InitializeAsync() => _server = await MongoServer.GetAsync();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>An initialized store on a fresh database, dropped on dispose; skips the test when no server is reachable.</summary>
    public async Task<MongoTestStore> CreateStoreAsync(IMongoTokenCodec? codec = null)
    {
        if (_server is null)
        {
            Assert.Skip(NoServerReason);
        }

        return await CreateOnAsync(_server, codec, TestContext.Current.CancellationToken);
    }

    /// <inheritdoc cref="CreateStoreAsync"/>
    public static async Task<MongoTestStore> CreateStoreOrSkipAsync(IMongoTokenCodec? codec = null, CancellationToken cancellationToken = default)
    {
        var store = await TryCreateStoreAsync(codec, cancellationToken);
        if (store is null)
        {
            Assert.Skip(NoServerReason);
        }

        return store;
    }

    /// <summary>An initialized store on a fresh database, dropped on dispose; null when no server is reachable.</summary>
    public static async Task<MongoTestStore?> TryCreateStoreAsync(IMongoTokenCodec? codec = null, CancellationToken cancellationToken = default)
    {
        return await MongoServer.GetAsync() is { } server ? await CreateOnAsync(server, codec, cancellationToken) : null;
    }

    private static async Task<MongoTestStore> CreateOnAsync(MongoServer server, IMongoTokenCodec? codec, CancellationToken cancellationToken)
    {
        var options = new MongoStorageOptions
        {
            ConnectionString = server.ConnectionString,
            Database = $"tw_test_{Guid.NewGuid():N}",
        };
        var context = new MongoStoreContext(options);
        var store = new MongoConnectionStore(context, codec ?? new TestTokenCodec());
        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        catch
        {
            context.Dispose();
            throw;
        }

        return new MongoTestStore(store, context);
    }
}

/// <summary>A store on its own database; disposing drops the database.</summary>
public sealed class MongoTestStore(MongoConnectionStore store, MongoStoreContext context) : IAsyncDisposable
{
    public MongoConnectionStore Store { get; } = store;

    public MongoStoreContext Context { get; } = context;

    public string DatabaseName => Context.Database.DatabaseNamespace.DatabaseName;

    /// <summary>The connections collection as raw BSON, to look at what is really stored.</summary>
    public IMongoCollection<BsonDocument> RawConnections =>
        Context.Database.GetCollection<BsonDocument>(Context.Options.Collections.Connections);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Context.Database.Client.DropDatabaseAsync(DatabaseName);
        }
        finally
        {
            Context.Dispose();
        }
    }
}
