using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;
using TokenWorkers.Posts;

namespace TokenWorkers.Chaos;

/// <summary>
/// The store the workers share, opened in the harness through the worker's own core services (no bus, no scheduler):
/// connections are inserted as the connect flow would store a first grant, and everything is read back at the end.
/// </summary>
internal sealed class ChaosStore : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private ChaosStore(ServiceProvider services) => _services = services;

    private IConnectionStore Connections => _services.GetRequiredService<IConnectionStore>();

    private IPostLedger Posts => _services.GetRequiredService<IPostLedger>();

    public static async Task<ChaosStore> OpenAsync(IReadOnlyDictionary<string, string?> workerSettings, CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(workerSettings).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddTokenWorkersCore(configuration)
            .BuildServiceProvider();
        var store = new ChaosStore(services);
        await store.Connections.InitializeAsync(cancellationToken);
        await store.Posts.InitializeAsync(cancellationToken);
        return store;
    }

    /// <summary>Stores LinkedIn's answer to a first grant (the body the token endpoint gave) as a new connection.</summary>
    public async Task InsertAsync(string connectionId, string tenantId, string memberSub, string tokenResponse, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var granted = TokenResponseReader.Read(HttpStatusCode.OK, tokenResponse, now) as TokenGranted
            ?? throw new InvalidOperationException($"The sandbox's grant for {connectionId} did not read as granted.");
        var connection = NewConnections.FromGrant(connectionId, tenantId, granted.ToGrant(),
            _services.GetRequiredService<RefreshSchedule>(), now, $"urn:li:person:{memberSub}");
        _ = await Connections.TryInsertAsync(connection, cancellationToken)
            ?? throw new InvalidOperationException($"Connection {connectionId} already exists.");
    }

    public async Task<IReadOnlyList<Connection>> AllConnectionsAsync(CancellationToken cancellationToken)
    {
        var all = new List<Connection>();
        string? after = null;
        while (true)
        {
            var batch = await Connections.ListAsync(after, 500, cancellationToken);
            all.AddRange(batch.Items);
            if (batch.Scanned < 500 || batch.LastId is null)
            {
                return all;
            }

            after = batch.LastId;
        }
    }

    public Task<PostEntry?> FindPostAsync(string postId, CancellationToken cancellationToken) => Posts.FindAsync(postId, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
