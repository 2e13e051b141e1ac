using System.Net;
using System.Net.Http.Json;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Control;

public sealed class ClockTests
{
    [Fact]
    public async Task A_sandbox_that_owns_its_clock_moves_it_forward_over_http()
    {
        await using var h = await Harness.StartAsync(ownClock: true);
        var seeded = h.Seed();
        var before = h.Control.Now;

        using var advanced = await h.Http.PostAsJsonAsync("_sandbox/clock/advance", new { days = 59 }, Harness.Ct);
        using var clock = await h.Http.GetAsync("_sandbox/clock", Harness.Ct);

        Assert.Equal(HttpStatusCode.OK, advanced.StatusCode);
        var now = (await Harness.TokenAsync(clock)).GetProperty("now").GetDateTimeOffset();
        Assert.InRange(now - before, TimeSpan.FromDays(59), TimeSpan.FromDays(59) + TimeSpan.FromMinutes(1));
        using var refreshed = await h.RefreshAsync(seeded.RefreshToken!);
        Assert.InRange((await Harness.TokenAsync(refreshed)).GetProperty("refresh_token_expires_in").GetInt64(), 306 * 86_400 - 60, 306 * 86_400);
    }

    [Fact]
    public async Task The_clock_accepts_a_duration_in_either_format()
    {
        await using var h = await Harness.StartAsync(ownClock: true);
        var before = h.Control.Now;

        using var iso = await h.Http.PostAsJsonAsync("_sandbox/clock/advance", new { duration = "P1D" }, Harness.Ct);
        using var span = await h.Http.PostAsJsonAsync("_sandbox/clock/advance", new { duration = "02:00:00" }, Harness.Ct);
        h.Control.AdvanceClock(TimeSpan.FromHours(1));

        Assert.Equal(HttpStatusCode.OK, iso.StatusCode);
        Assert.Equal(HttpStatusCode.OK, span.StatusCode);
        Assert.InRange(h.Control.Now - before, TimeSpan.FromHours(27), TimeSpan.FromHours(27) + TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task An_injected_clock_cannot_be_advanced_through_the_sandbox()
    {
        await using var h = await Harness.StartAsync();

        Assert.False(h.Control.OwnsClock);
        Assert.Throws<InvalidOperationException>(() => h.Control.AdvanceClock(TimeSpan.FromDays(1)));
        Assert.Equal(The.Start, h.Control.Now);
        h.AdvanceDays(2);
        Assert.Equal(The.Start.AddDays(2), h.Control.Now);
    }
}
