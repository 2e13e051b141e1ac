using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>The end state every multi-instance refresh test expects, and the sandbox's record of how it got there.</summary>
internal static class RefreshedFleet
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Seeds <paramref name="count"/> due connections in parallel, so most of the work is still ahead when something happens.</summary>
    public static async Task<Dictionary<string, string>> SeedAsync(RabbitMqWorkerEnvironment environment, string prefix, int count)
    {
        var seeded = await Task.WhenAll(Enumerable.Range(0, count).Select(i => environment.ConnectDueAsync($"{prefix}-{i:0000}")));
        return seeded.ToDictionary(s => s.Connection.ConnectionId, s => s.Grant.GrantId);
    }

    /// <summary>
    /// Every connection was exchanged at least once, holds its new 60-day token, no lease and no unsent event,
    /// and its TokenRefreshed reached the other service. Returns the exchanges of the connections exchanged more than once.
    /// </summary>
    public static async Task<List<List<SandboxRequest>>> AssertNothingLostAsync(RabbitMqWorkerEnvironment environment, Dictionary<string, string> grants)
    {
        var store = environment.Store;
        await PipelineHost.WaitUntilAsync(async () => (await store.FindWithPendingEventsAsync(DateTimeOffset.UtcNow, 1, Cancel)).Count == 0,
            "the outbox to drain", TimeSpan.FromMinutes(1));
        var exchanges = environment.RefreshExchangesByGrant();
        Assert.All(grants, g => Assert.True(exchanges.ContainsKey(g.Value), $"{g.Key} was never exchanged"));
        var refreshed = environment.OtherService.Of<TokenRefreshed>().Select(e => e.ConnectionId).ToHashSet();
        Assert.All(grants.Keys, id => Assert.Contains(id, refreshed));
        Assert.Empty(environment.OtherService.Of<ReauthRequired>());
        foreach (var connectionId in grants.Keys)
        {
            var stored = await store.FindAsync(connectionId, Cancel);
            Assert.NotNull(stored);
            Assert.Equal(ConnectionStatus.Active, stored.Status);
            Assert.Null(stored.Lease);
            Assert.Empty(stored.PendingEvents);
            Assert.True(stored.AccessTokenExpiresAt > DateTimeOffset.UtcNow.AddDays(50), $"{connectionId} expires {stored.AccessTokenExpiresAt:O}");
        }

        return [.. exchanges.Values.Where(e => e.Count > 1)];
    }

    /// <summary>Every refresh-token call the sandbox received, answered or not, by grant id.</summary>
    public static Dictionary<string, List<SandboxRequest>> RefreshCallsByGrant(RabbitMqWorkerEnvironment environment) =>
        environment.Sandbox.Control.Requests
            .Where(r => r.Endpoint == SandboxEndpoint.AccessToken && r.GrantType == "refresh_token")
            .GroupBy(r => r.GrantId ?? "(unknown grant)")
            .ToDictionary(g => g.Key, g => g.ToList());
}
