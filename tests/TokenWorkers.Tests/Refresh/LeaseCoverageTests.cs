using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.LinkedIn;
using TokenWorkers.Refresh;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Refresh;

/// <summary>
/// A refresh-token exchange as slow as LinkedIn:RequestTimeout, judged by an instance whose clock runs ahead by the
/// tolerated skew, still finds the lease held: the slow exchange is made once. (A lease shorter than that is refused at
/// start-up: see ConfigurationValidationTests.)
/// </summary>
public sealed class LeaseCoverageTests
{
    [Fact]
    public async Task The_shortest_lease_start_up_accepts_covers_a_slow_exchange_judged_by_a_clock_ahead_by_the_skew()
    {
        var requestTimeout = TimeSpan.FromSeconds(10);
        var skew = TimeSpan.FromSeconds(30);
        var lease = LeaseRules.Needed(requestTimeout, skew);
        RefreshOutcome? secondInstance = null;
        PipelineHost? pipeline = null;
        await using var host = pipeline = await PipelineHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["LinkedIn:RequestTimeout"] = requestTimeout.ToString("c"),
                ["Refresh:ClockSkewTolerance"] = skew.ToString("c"),
                ["Refresh:LeaseDuration"] = lease.ToString("c"),
            },
            configureServices: services => services.AddHttpClient<LinkedInOAuthClient>().AddHttpMessageHandler(() => CallHook.AfterFirst(() =>
            {
                // LinkedIn takes the whole request timeout, and the first attempt to store the answer its whole budget; the
                // other instance's clock is ahead by the skew, all but a millisecond.
                pipeline!.Advance(requestTimeout + AnswerWriter.AttemptTimeout + skew - TimeSpan.FromMilliseconds(1));
                using var scope = pipeline.Services.CreateScope();
                secondInstance = scope.ServiceProvider.GetRequiredService<ConnectionRefresher>()
                    .RefreshAsync("c-slow", AttemptTrigger.Scheduled, CancellationToken.None).GetAwaiter().GetResult().Outcome;
            })));
        var (_, grant) = await host.ConnectAsync("c-slow");
        host.Advance(TimeSpan.FromDays(55));

        var (first, _) = await host.RefreshAsync("c-slow");

        Assert.Equal(RefreshOutcome.Refreshed, first);
        Assert.Equal(RefreshOutcome.Leased, secondInstance);
        Assert.Equal(1, host.RefreshExchanges(grant.GrantId));
    }
}
