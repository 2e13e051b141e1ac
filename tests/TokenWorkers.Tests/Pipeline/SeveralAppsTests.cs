using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>
/// Several LinkedIn apps in one worker, against the sandbox over HTTP with a real SQLite store: each connection is refreshed
/// with its own app's credentials, and an app LinkedIn refuses (or one no longer configured) affects only its own connections.
/// </summary>
public sealed class SeveralAppsTests : IAsyncLifetime
{
    private const string MarketingClientId = "tw-marketing";
    private const string MarketingSecret = "tw-marketing-SENTINEL-secret";
    private const string BrokenClientId = "tw-broken";
    private const string BrokenRightSecret = "tw-broken-right-SENTINEL";
    private const string BrokenWrongSecret = "tw-broken-wrong-SENTINEL";

    private PipelineHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        // The default app keeps its single-app settings (LinkedIn:ClientId, LinkedIn:ClientSecret), as before apps had names.
        _host = await PipelineHost.StartAsync(new Dictionary<string, string?>
        {
            ["LinkedIn:Apps:marketing:ClientId"] = MarketingClientId,
            ["LinkedIn:Apps:marketing:ClientSecret"] = MarketingSecret,
            ["LinkedIn:Apps:broken:ClientId"] = BrokenClientId,
            ["LinkedIn:Apps:broken:ClientSecret"] = BrokenWrongSecret,
        });
        _host.Sandbox.Control.CreateApp(MarketingClientId, MarketingSecret, programmaticRefresh: true);
        _host.Sandbox.Control.CreateApp(BrokenClientId, BrokenRightSecret, programmaticRefresh: true);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Each_connection_is_refreshed_with_its_own_apps_credentials()
    {
        var (_, defaultGrant) = await _host.ConnectAsync("c-default");
        var (marketing, marketingGrant) = await _host.ConnectAsync("c-marketing", app: "marketing", clientId: MarketingClientId);
        Assert.Equal("marketing", marketing.App);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await _host.ScanAsync();

        Assert.NotNull((await _host.GetAsync("c-default")).LastRefreshedAt);
        var refreshed = await _host.GetAsync("c-marketing");
        Assert.NotNull(refreshed.LastRefreshedAt);
        Assert.Equal("marketing", refreshed.App);
        var exchanges = _host.Sandbox.Control.Requests.Where(r => r.Endpoint == SandboxEndpoint.AccessToken && r.GrantType == "refresh_token").ToList();
        Assert.Equal(PipelineHost.ClientId, Assert.Single(exchanges, r => r.GrantId == defaultGrant.GrantId).ClientId);
        var marketingExchange = Assert.Single(exchanges, r => r.GrantId == marketingGrant.GrantId);
        Assert.Equal(MarketingClientId, marketingExchange.ClientId);
        Assert.Equal(200, marketingExchange.Status);
    }

    [Fact]
    public async Task An_app_LinkedIn_refuses_is_reported_once_and_affects_only_its_own_connections()
    {
        var (good, _) = await _host.ConnectAsync("c-good", app: "marketing", clientId: MarketingClientId);
        var (first, _) = await _host.ConnectAsync("c-broken-1", app: "broken", clientId: BrokenClientId);
        var (second, _) = await _host.ConnectAsync("c-broken-2", app: "broken", clientId: BrokenClientId);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await _host.ScanAsync();

        Assert.NotNull((await _host.GetAsync("c-good")).LastRefreshedAt);
        foreach (var original in new[] { first, second })
        {
            var stored = await _host.GetAsync(original.ConnectionId);
            Assert.Equal(ConnectionStatus.Active, stored.Status);
            Assert.Equal(FailureClass.Configuration, stored.LastFailure?.Class);
            Assert.Equal("invalid_client", stored.LastFailure?.ErrorCode);
            Assert.Equal(original.RefreshToken, stored.RefreshToken);
            Assert.Equal(original.AccessToken, stored.AccessToken);
        }

        Assert.Empty(_host.Events.Of<ReauthRequired>());
        var refused = _host.Sandbox.Control.Requests.Where(r => r.Endpoint == SandboxEndpoint.AccessToken && r.ClientId == BrokenClientId).ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, r => Assert.Equal(401, r.Status));
        // One broken app is one problem: one critical line naming the app, however many connections ran into it.
        var critical = Assert.Single(_host.Logs.Lines, l => l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.Contains("broken", critical, StringComparison.Ordinal);
        Assert.DoesNotContain(_host.Logs.Lines, l => l.Contains("SENTINEL", StringComparison.Ordinal));
        var health = _host.Services.GetRequiredService<LinkedInAppProblems>().Check();
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, health.Status);
        Assert.Contains("broken", health.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("marketing", health.Description, StringComparison.Ordinal);
        Assert.NotNull(good);
    }

    [Fact]
    public async Task A_connection_whose_app_is_no_longer_configured_fails_as_configuration_for_itself_only_and_keeps_its_tokens()
    {
        var (retired, retiredGrant) = await _host.ConnectAsync("c-retired", app: "retired", clientId: MarketingClientId);
        await _host.ConnectAsync("c-still-default");
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await _host.ScanAsync();

        var stored = await _host.GetAsync("c-retired");
        Assert.Equal(ConnectionStatus.Active, stored.Status);
        Assert.Equal(FailureClass.Configuration, stored.LastFailure?.Class);
        Assert.Equal("unknown_app", stored.LastFailure?.ErrorCode);
        Assert.Contains("'retired' is not configured", stored.LastFailure?.Message, StringComparison.Ordinal);
        Assert.Equal(retired.RefreshToken, stored.RefreshToken);
        Assert.Equal(retired.AccessToken, stored.AccessToken);
        Assert.DoesNotContain(_host.Sandbox.Control.Requests, r => r.GrantId == retiredGrant.GrantId && r.GrantType == "refresh_token");
        Assert.NotNull((await _host.GetAsync("c-still-default")).LastRefreshedAt);
        Assert.Empty(_host.Events.Of<ReauthRequired>());
    }

    [Fact]
    public async Task Disconnecting_revokes_the_tokens_with_the_connections_own_app()
    {
        var (connection, grant) = await _host.ConnectAsync("c-leaving", app: "marketing", clientId: MarketingClientId);
        await using var scope = _host.Services.CreateAsyncScope();
        var disconnector = ActivatorUtilities.CreateInstance<TokenWorkers.Admin.ConnectionDisconnector>(scope.ServiceProvider);

        var result = await disconnector.DisconnectAsync(connection.ConnectionId, "member left", TestContext.Current.CancellationToken);

        Assert.Equal(TokenWorkers.Admin.DisconnectOutcome.Disconnected, result.Outcome);
        var revocations = _host.Sandbox.Control.Requests.Where(r => r.Endpoint == SandboxEndpoint.Revoke).ToList();
        Assert.Equal(2, revocations.Count);
        Assert.All(revocations, r => Assert.Equal(MarketingClientId, r.ClientId));
        Assert.All(revocations, r => Assert.Equal(200, r.Status));
        Assert.NotNull(grant);
    }
}
