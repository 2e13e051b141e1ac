using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>
/// The scan's claim announces RefreshDue only after the connection's outbox is cleared, so the consumer that takes the
/// lease at once never finds the scan's own events still pending and publishes them a second time.
/// </summary>
public sealed class ScanAnnouncementTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    // The outbox removal is made slow, so a consumer woken by RefreshDue before it would find the events still pending.
    public async ValueTask InitializeAsync() => _host = await PipelineHost.StartAsync(configureServices: services =>
        services.AddSingleton<IAggregateStore<Connection>>(sp => new SlowOutboxClear(sp.GetRequiredService<IConnectionStore>())));

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_warning_decided_with_a_claim_is_delivered_once_and_the_refresh_follows()
    {
        var ids = Enumerable.Range(0, 20).Select(i => $"c-warn-{i}").ToArray();
        foreach (var id in ids)
        {
            await _host.ConnectAsync(id);
            // In its refresh window and 20 days before the refresh token's end: one scan both claims it and warns.
            await _host.WriteAsync(id, c => c with
            {
                AccessTokenExpiresAt = _host.Now.AddDays(5),
                RefreshTokenExpiresAt = _host.Now.AddDays(20),
                NextRefreshAt = _host.Now,
            });
        }

        var scan = await _host.ScanAsync();

        Assert.Equal(ids.Length, scan.Claimed);
        Assert.Equal(ids.Length, scan.Warned);
        foreach (var id in ids)
        {
            var warnings = _host.Events.Deliveries.OfType<ReauthSoon>().Where(e => e.ConnectionId == id).ToArray();
            Assert.Equal(30, Assert.Single(warnings).DaysBefore);
            Assert.Single(_host.Events.Deliveries.OfType<TokenRefreshed>(), e => e.ConnectionId == id);
            Assert.Empty((await _host.GetAsync(id)).PendingEvents);
        }
    }
}

/// <summary>The connection store, with an outbox removal that takes 300 ms: the window in which an early notice would race it.</summary>
internal sealed class SlowOutboxClear(IConnectionStore inner) : IAggregateStore<Connection>
{
    public Task<Connection?> FindAsync(string id, CancellationToken cancellationToken) => inner.FindAsync(id, cancellationToken);

    public Task<Connection?> TryInsertAsync(Connection aggregate, CancellationToken cancellationToken) => inner.TryInsertAsync(aggregate, cancellationToken);

    public Task<Connection?> TryUpdateAsync(Connection updated, long expectedVersion, CancellationToken cancellationToken) =>
        inner.TryUpdateAsync(updated, expectedVersion, cancellationToken);

    public async Task<bool> TryClearPendingEventsAsync(string id, long expectedVersion, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        return await inner.TryClearPendingEventsAsync(id, expectedVersion, cancellationToken);
    }

    public Task<ReadBatch<Connection>> FindWithPendingEventsAsync(DateTimeOffset createdAtOrBefore, int limit, CancellationToken cancellationToken) =>
        inner.FindWithPendingEventsAsync(createdAtOrBefore, limit, cancellationToken);
}
