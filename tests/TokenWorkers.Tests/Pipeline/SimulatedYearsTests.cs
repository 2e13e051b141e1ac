using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>
/// A year and a half of a fleet's life on one fake clock shared by the worker and the sandbox, with
/// random transient faults at LinkedIn. Runs in seconds: nothing here waits on the wall clock.
/// </summary>
public sealed class SimulatedYearsTests
{
    private static readonly TimeSpan Step = TimeSpan.FromHours(2);
    private static readonly TimeSpan Horizon = TimeSpan.FromDays(550);
    private static readonly int[] WarningDays = [30, 14, 7, 1];

    private sealed record Plan(string ConnectionId, DateTimeOffset GrantAt, bool Refreshable);

    [Fact]
    public async Task Over_550_days_no_refreshable_connection_expires_and_every_deadline_is_announced_once()
    {
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?>
        {
            ["Refresh:RefreshJitter"] = "12:00:00",
        });
        var random = new Random(20261128);
        // 200 connections connecting over the first 100 days; one in five from an app without programmatic refresh.
        var plans = Enumerable.Range(0, 200)
            .Select(i => new Plan($"sim-{i:000}", PipelineHost.Start + TimeSpan.FromHours((i * 12) + random.Next(12)), i % 5 != 0))
            .ToArray();
        var connected = new Dictionary<string, Connection>();
        var violations = new List<string>();
        var faults = 0;
        var end = PipelineHost.Start + Horizon;

        for (var step = 0; host.Now < end; step++)
        {
            foreach (var plan in plans.Where(p => p.GrantAt <= host.Now && !connected.ContainsKey(p.ConnectionId)))
            {
                connected[plan.ConnectionId] = (await host.ConnectAsync(plan.ConnectionId, plan.Refreshable)).Connection;
            }

            if (random.NextDouble() < 0.1)
            {
                faults++;
                host.Sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, random.Next(4) switch
                {
                    0 => SandboxFault.InternalServerError,
                    1 => SandboxFault.ServiceUnavailable,
                    2 => SandboxFault.DropAfterProcessing,
                    _ => SandboxFault.TooManyRequests,
                }, count: 1 + random.Next(3));
            }

            await host.ScanAsync();
            await host.SweepAsync();
            if (step % 12 == 0)
            {
                violations.AddRange(await ExpiredButRefreshableAsync(host));
            }

            host.Advance(Step);
        }

        violations.AddRange(await ExpiredButRefreshableAsync(host));
        violations.AddRange(RefreshesAfterExpiry(host, connected));

        Assert.True(faults > 100, $"the simulation should inject many faults, injected {faults}");
        Assert.Empty(violations);
        Assert.Equal(200, connected.Count);
        Assert.Equal(0, host.Activity.Faults);

        foreach (var plan in plans)
        {
            var initial = connected[plan.ConnectionId];
            var deadline = plan.Refreshable ? initial.RefreshTokenExpiresAt!.Value : initial.AccessTokenExpiresAt!.Value;
            var reason = plan.Refreshable ? ReauthReason.RefreshTokenEnding : ReauthReason.NoRefreshToken;

            var warnings = host.Events.Of<ReauthSoon>(plan.ConnectionId);
            Assert.Equal(WarningDays, warnings.OrderBy(w => w.OccurredAt).Select(w => w.DaysBefore));
            Assert.All(warnings, w =>
            {
                Assert.Equal(deadline, w.Deadline);
                Assert.Equal(reason, w.Reason);
                Assert.InRange(w.OccurredAt, deadline - TimeSpan.FromDays(w.DaysBefore), deadline - TimeSpan.FromDays(w.DaysBefore) + Step);
            });

            var reauth = Assert.Single(host.Events.Of<ReauthRequired>(plan.ConnectionId));
            Assert.Equal(reason, reauth.Reason);
            Assert.InRange(reauth.OccurredAt, deadline, deadline + Step);

            var final = await host.GetAsync(plan.ConnectionId);
            Assert.Equal(ConnectionStatus.ReauthRequired, final.Status);
            Assert.NotNull(final.AccessToken);
            Assert.Equal(plan.Refreshable, final.RefreshToken is not null);
            if (plan.Refreshable)
            {
                // Refreshed about every 50 days until the access token could no longer outlive the refresh token.
                Assert.InRange(host.Events.Of<TokenRefreshed>(plan.ConnectionId).Count, 6, 9);
                Assert.Equal(initial.RefreshTokenExpiresAt, final.RefreshTokenExpiresAt);
                Assert.Equal(final.RefreshTokenExpiresAt, final.AccessTokenExpiresAt);
            }
            else
            {
                Assert.Empty(host.Events.Of<TokenRefreshed>(plan.ConnectionId));
            }
        }
    }

    /// <summary>Active connections whose access token has expired although a refresh could have extended it.</summary>
    private static async Task<IEnumerable<string>> ExpiredButRefreshableAsync(PipelineHost host)
    {
        var found = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await host.Store.ListAsync(after, 100, CancellationToken.None);
            if (page.Count == 0)
            {
                return found;
            }

            found.AddRange(page
                .Where(c => c.Status == ConnectionStatus.Active && c.RefreshToken is not null &&
                            c.AccessTokenExpiresAt <= host.Now && c.AccessTokenExpiresAt < c.RefreshTokenExpiresAt)
                .Select(c => $"{c.ConnectionId}: access token expired at {c.AccessTokenExpiresAt:o}, now {host.Now:o}"));
            after = page[^1].ConnectionId;
        }
    }

    /// <summary>Every refresh must happen before the access token it replaces has expired.</summary>
    private static IEnumerable<string> RefreshesAfterExpiry(PipelineHost host, Dictionary<string, Connection> connected)
    {
        foreach (var (connectionId, initial) in connected)
        {
            var expiry = initial.AccessTokenExpiresAt;
            foreach (var refreshed in host.Events.Of<TokenRefreshed>(connectionId).OrderBy(e => e.Version))
            {
                if (refreshed.OccurredAt >= expiry)
                {
                    yield return $"{connectionId}: refreshed at {refreshed.OccurredAt:o}, after its access token expired at {expiry:o}";
                }

                expiry = refreshed.AccessTokenExpiresAt;
            }
        }
    }
}
