using TokenWorkers.Ports;
using TokenWorkers.Storage.Mongo;

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>The audit and connect-session conformance suite against a real MongoDB; skipped with the reason where none is reachable.</summary>
public sealed class MongoAccessStoreTests : AccessStoreConformanceTests
{
    private readonly string _database = $"tw_access_{Guid.NewGuid():N}";
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

    protected override Task<(IAuditTrail Trail, IConnectSessions Sessions)> CreateAsync()
    {
        var context = new MongoStoreContext(new MongoStorageOptions { ConnectionString = _server!.ConnectionString, Database = _database });
        _contexts.Add(context);
        return Task.FromResult<(IAuditTrail, IConnectSessions)>((new MongoAuditTrail(context), new MongoConnectSessions(context)));
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
