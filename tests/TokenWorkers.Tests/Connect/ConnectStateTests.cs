using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenWorkers.Connect;

namespace TokenWorkers.Tests.Connect;

/// <summary>The signed state on a fake clock: lifetimes are minutes, which the flow tests over HTTP cannot wait out.</summary>
public sealed class ConnectStateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_state_redeemed_within_its_lifetime_gives_back_the_request_once()
    {
        var state = State();
        var issued = state.Issue("conn-1", "tenant-1", new Uri("https://app.example.com/back"));
        _time.Advance(TimeSpan.FromMinutes(9));

        var (request, problem) = state.Redeem(issued);
        var (_, replayed) = state.Redeem(issued);

        Assert.Null(problem);
        Assert.Equal(("conn-1", "tenant-1"), (request!.ConnectionId, request.TenantId));
        Assert.Equal(new Uri("https://app.example.com/back"), request.ReturnUrl);
        Assert.Contains("already used", replayed, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_past_its_lifetime_is_refused_as_expired()
    {
        var state = State();
        var issued = state.Issue("conn-1", "tenant-1", null);
        _time.Advance(TimeSpan.FromMinutes(10));

        var (request, problem) = state.Redeem(issued);

        Assert.Null(request);
        Assert.Contains("expired", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_signed_with_another_key_or_cut_short_is_refused_as_altered()
    {
        var foreign = State(keySeed: 99).Issue("conn-1", "tenant-1", null);
        var ours = State();

        Assert.Contains("altered", ours.Redeem(foreign).Problem, StringComparison.Ordinal);
        Assert.Contains("altered", ours.Redeem(ours.Issue("conn-1", "tenant-1", null)[..^3]).Problem, StringComparison.Ordinal);
        Assert.Contains("altered", ours.Redeem(null).Problem, StringComparison.Ordinal);
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
