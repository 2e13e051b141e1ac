using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>
/// Forcing a refresh is an operator action, not a flag in an event: a RefreshDue that says "forced" from any publisher on
/// the broker is handled as a scheduled one, and a connection outside its refresh window is left alone.
/// </summary>
public sealed class ForcedRefreshTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await PipelineHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_RefreshDue_saying_forced_does_not_refresh_a_connection_outside_its_window()
    {
        var (connection, grant) = await _host.ConnectAsync("c-fresh");

        await _host.Bus.Publish(new RefreshDue
        {
            EventId = EventIds.For("c-fresh", 99, "forged"),
            ConnectionId = "c-fresh",
            TenantId = connection.TenantId,
            Version = 99,
            OccurredAt = _host.Now,
            Trigger = RefreshTriggers.Forced,
        }, TestContext.Current.CancellationToken);
        await _host.Activity.SettleAsync();

        Assert.Equal(0, _host.RefreshExchanges(grant.GrantId));
        var stored = await _host.GetAsync("c-fresh");
        Assert.Equal(connection.Version, stored.Version);
        Assert.Equal(connection.AccessToken, stored.AccessToken);
        Assert.Empty(_host.Events.Of<TokenRefreshed>("c-fresh"));
    }

    [Fact]
    public async Task The_operator_path_forces_it()
    {
        var (_, grant) = await _host.ConnectAsync("c-operator");

        var (outcome, refreshed) = await _host.RefreshAsync("c-operator", force: true);

        Assert.Equal(RefreshOutcome.Refreshed, outcome);
        Assert.Equal(1, _host.RefreshExchanges(grant.GrantId));
        Assert.Equal(AttemptTrigger.Forced, refreshed!.Attempts[^1].Trigger);
        Assert.Single(_host.Events.Of<TokenRefreshed>("c-operator"));
    }
}
