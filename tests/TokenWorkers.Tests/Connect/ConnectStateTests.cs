using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenWorkers.Connect;

namespace TokenWorkers.Tests.Connect;

/// <summary>The signed state on a fake clock: lifetimes are minutes, which the flow tests over HTTP cannot wait out.</summary>
public sealed class ConnectStateTests
{
    private static readonly string Browser = ConnectState.NewBrowserNonce();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_state_presented_by_another_browser_or_without_the_cookie_is_refused()
    {
        var state = State();

        var (_, otherBrowser) = state.Redeem(state.Issue("conn-1", "tenant-1", null, Browser), ConnectState.NewBrowserNonce());
        var (_, noCookie) = state.Redeem(state.Issue("conn-1", "tenant-1", null, Browser), null);

        Assert.Contains("did not start in this browser", otherBrowser, StringComparison.Ordinal);
        Assert.Contains("did not start in this browser", noCookie, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_redeemed_within_its_lifetime_gives_back_the_request_once()
    {
        var state = State();
        var issued = state.Issue("conn-1", "tenant-1", new Uri("https://app.example.com/back"), Browser);
        _time.Advance(TimeSpan.FromMinutes(9));

        var (request, problem) = state.Redeem(issued, Browser);
        var (_, replayed) = state.Redeem(issued, Browser);

        Assert.Null(problem);
        Assert.Equal(("conn-1", "tenant-1"), (request!.ConnectionId, request.TenantId));
        Assert.Equal(new Uri("https://app.example.com/back"), request.ReturnUrl);
        Assert.Contains("already used", replayed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_past_its_lifetime_is_refused_as_expired()
    {
        var state = State();
        var issued = state.Issue("conn-1", "tenant-1", null, Browser);
        _time.Advance(TimeSpan.FromMinutes(10));

        var (request, problem) = state.Redeem(issued, Browser);

        Assert.Null(request);
        Assert.Contains("expired", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_signed_with_another_key_or_cut_short_is_refused_as_altered()
    {
        var foreign = State(keySeed: 99).Issue("conn-1", "tenant-1", null, Browser);
        var ours = State();

        Assert.Contains("altered", ours.Redeem(foreign, Browser).Problem, StringComparison.Ordinal);
        Assert.Contains("altered", ours.Redeem(ours.Issue("conn-1", "tenant-1", null, Browser)[..^3], Browser).Problem, StringComparison.Ordinal);
        Assert.Contains("altered", ours.Redeem(null, Browser).Problem, StringComparison.Ordinal);
    }

    private ConnectState State(int keySeed = 1) => new(
        Options.Create(new ConnectOptions
        {
            Enabled = true,
            PublicBaseUrl = new Uri("http://127.0.0.1:5070/"),
            StateKey = Convert.ToBase64String(Enumerable.Range(keySeed, 32).Select(i => (byte)i).ToArray()),
            StateLifetime = TimeSpan.FromMinutes(10),
        }),
        _time);
}
