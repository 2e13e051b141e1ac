using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;

namespace TokenWorkers.Benchmarks;

/// <summary>
/// Case 6: what a user writes instead: a cron loop that checks each connection's expiry and refreshes it
/// inline, one at a time, on the same store and sandbox. No lease, no events, no retries: the cheapest
/// possible version of the job, so the ratio flatters the baseline.
/// </summary>
public static class BaselineCase
{
    public static async Task<double> RefreshesPerSecondAsync(BenchHarness harness, IReadOnlyList<Connection> connections, CancellationToken cancellationToken)
    {
        var services = harness.Environment.Worker.Services;
        var store = services.GetRequiredService<IConnectionStore>();
        var oauth = services.GetRequiredService<LinkedInOAuthClient>();
        var refreshBefore = DateTimeOffset.UtcNow.AddDays(10);
        var refreshed = 0;
        var start = Stopwatch.GetTimestamp();
        foreach (var id in connections.Select(c => c.ConnectionId))
        {
            var connection = await store.FindAsync(id, cancellationToken);
            if (connection is not { RefreshToken: { } refreshToken } || connection.AccessTokenExpiresAt > refreshBefore)
            {
                continue;
            }

            if (await oauth.RefreshAsync("default", refreshToken, cancellationToken) is TokenGranted granted &&
                await store.TryUpdateAsync(connection with
                {
                    AccessToken = granted.AccessToken,
                    RefreshToken = granted.RefreshToken ?? connection.RefreshToken,
                    AccessTokenExpiresAt = granted.AccessTokenExpiresAt,
                    LastRefreshedAt = granted.RequestedAt,
                }, connection.Version, cancellationToken) is not null)
            {
                refreshed++;
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(start);
        return refreshed == connections.Count
            ? refreshed / elapsed.TotalSeconds
            : throw new InvalidOperationException($"The baseline loop refreshed {refreshed} of {connections.Count} connections.");
    }
}
