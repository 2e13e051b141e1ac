using Microsoft.Extensions.Hosting;
using TokenWorkers.Connections;
using TokenWorkers.Ports;
using TokenWorkers.Posts;

namespace TokenWorkers.Storage;

/// <summary>
/// Creates the store's schema before any hosted service starts (the bus, the scheduler), so no
/// consumer can run against a missing table.
/// </summary>
internal sealed class ConnectionStoreInitializer(IConnectionStore store, IPostLedger ledger, IAuditTrail audit, IConnectSessions sessions)
    : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        await ledger.InitializeAsync(cancellationToken);
        await audit.InitializeAsync(cancellationToken);
        await sessions.InitializeAsync(cancellationToken);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
