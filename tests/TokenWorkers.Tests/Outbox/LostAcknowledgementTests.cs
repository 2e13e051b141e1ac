using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Outbox;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Outbox;

/// <summary>
/// A write whose acknowledgement was lost (stored, but the answer never came back, or a retry of it answered "nothing
/// matched") is the writer's own and must be recognised as such on re-read, not taken for a lost race; a write that
/// was not stored is tried again, a few times. The real SQLite store behind a wrapper that loses the answers, the
/// worker as composed in production, the sandbox over HTTP.
/// </summary>
public sealed class LostAcknowledgementTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    private UnreliableAcknowledgements<Connection> Connections => _host.Services.GetRequiredService<UnreliableAcknowledgements<Connection>>();

    private UnreliableAcknowledgements<PostEntry> Posts => _host.Services.GetRequiredService<UnreliableAcknowledgements<PostEntry>>();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await PipelineHost.StartAsync(configureServices: services =>
    {
        services.AddSingleton(sp => new UnreliableAcknowledgements<Connection>(sp.GetRequiredService<IConnectionStore>()));
        services.AddSingleton<IAggregateStore<Connection>>(sp => sp.GetRequiredService<UnreliableAcknowledgements<Connection>>());
        services.AddSingleton(sp => new UnreliableAcknowledgements<PostEntry>(sp.GetRequiredService<IPostLedger>()));
        services.AddSingleton<IAggregateStore<PostEntry>>(sp => sp.GetRequiredService<UnreliableAcknowledgements<PostEntry>>());
    });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_refresh_whose_commit_was_stored_but_not_acknowledged_is_recognised_as_stored_and_announced_at_once()
    {
        var (connection, grant) = await _host.ConnectAsync("c-commit");
        // The commit is the write that releases the lease; the lease write before it has one.
        Connections.Next(WriteFault.StoredThenThrows, c => c.Lease is null);

        var (outcome, refreshed) = await _host.RefreshAsync("c-commit", force: true);

        Assert.Equal(1, Connections.Faulted);
        Assert.Equal(RefreshOutcome.Refreshed, outcome);
        await AssertRefreshedOnceAsync(connection, grant, refreshed);
    }

    [Fact]
    public async Task A_lease_stored_but_answered_as_a_conflict_is_recognised_as_ours_and_the_refresh_goes_on()
    {
        var (connection, grant) = await _host.ConnectAsync("c-lease");
        Connections.Next(WriteFault.StoredButReportedAsConflict, c => c.Lease is not null);

        var (outcome, refreshed) = await _host.RefreshAsync("c-lease", force: true);

        Assert.Equal(1, Connections.Faulted);
        Assert.Equal(RefreshOutcome.Refreshed, outcome);
        await AssertRefreshedOnceAsync(connection, grant, refreshed);
    }

    [Fact]
    public async Task A_commit_that_failed_before_it_was_stored_is_tried_again_and_stored_once()
    {
        var (connection, grant) = await _host.ConnectAsync("c-retry");
        Connections.Next(WriteFault.ThrowsBeforeStoring, c => c.Lease is null);

        var (outcome, refreshed) = await _host.RefreshAsync("c-retry", force: true);

        Assert.Equal(1, Connections.Faulted);
        Assert.Equal(RefreshOutcome.Refreshed, outcome);
        await AssertRefreshedOnceAsync(connection, grant, refreshed);
    }

    [Fact]
    public async Task A_write_that_keeps_failing_is_tried_a_few_times_then_fails_with_the_stores_error_and_nothing_stored()
    {
        await _host.ConnectAsync("c-down");
        Connections.Next(WriteFault.ThrowsBeforeStoring, c => c.FailureCount == 7, times: 100);
        await using var scope = _host.Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<AggregateWriter<Connection>>();

        await Assert.ThrowsAsync<IOException>(() =>
            writer.UpdateAsync("c-down", (c, _) => new Change<Connection>(c with { FailureCount = 7 }), Cancel));

        Assert.InRange(Connections.Faulted, 2, 5);
        var stored = await _host.GetAsync("c-down");
        Assert.Equal(1, stored.Version);
        Assert.Equal(0, stored.FailureCount);
    }

    [Fact]
    public async Task A_post_outcome_stored_but_not_acknowledged_is_announced_once_and_LinkedIn_is_called_once()
    {
        await _host.ConnectAsync("c-post");
        Posts.Next(WriteFault.StoredThenThrows, p => p.State == PostState.Published);

        await _host.PublishAsync(new PublishPost { PostId = "p-ack", ConnectionId = "c-post", Text = "Lost in transit, found on re-read" });

        Assert.Equal(1, Posts.Faulted);
        var created = Assert.Single(_host.LinkedInPosts);
        var published = Assert.Single(_host.Events.PostDeliveries.OfType<PostPublished>(), e => e.PostId == "p-ack");
        Assert.Equal(created.Urn, published.Urn);
        var entry = await _host.PostAsync("p-ack");
        Assert.Equal(PostState.Published, entry.State);
        Assert.Empty(entry.PendingEvents);
    }

    private async Task AssertRefreshedOnceAsync(Connection before, SeededGrant grant, Connection? refreshed)
    {
        var stored = await _host.GetAsync(before.ConnectionId);
        Assert.Equal(1, _host.RefreshExchanges(grant.GrantId));
        // Connect, lease, commit: no write beyond the writer's own, and nothing left for the sweep.
        Assert.Equal(3, stored.Version);
        Assert.Null(stored.Lease);
        Assert.Empty(stored.PendingEvents);
        Assert.NotEqual(before.AccessToken, stored.AccessToken);
        Assert.Equal(stored.AccessToken, refreshed?.AccessToken);
        Assert.Single(_host.Events.Deliveries.OfType<TokenRefreshed>(), e => e.ConnectionId == before.ConnectionId);
    }
}
