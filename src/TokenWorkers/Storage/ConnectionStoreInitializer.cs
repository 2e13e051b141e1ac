using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Publishing;

namespace TokenWorkers.Storage;

/// <summary>
/// Creates the store's schema before any hosted service starts (the bus, the scheduler), so no
/// consumer can run against a missing table.
/// </summary>
internal sealed class ConnectionStoreInitializer(IConnectionStore store, IServiceProvider services, IOptions<StorageOptions> options)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);

        // The posting ledger has only a SQLite adapter so far; a MongoDB deployment runs without it.
        if (!StorageProviders.Is(options.Value.Provider, StorageProviders.Mongo))
        {
            await services.GetRequiredService<IPostLedger>().InitializeAsync(cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
