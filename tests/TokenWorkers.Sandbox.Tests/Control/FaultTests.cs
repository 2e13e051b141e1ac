using System.Diagnostics;
using System.Net;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Control;

public sealed class FaultTests
{
    public static TheoryData<SandboxFaultKind, HttpStatusCode> StatusFaults => new()
    {
        { SandboxFaultKind.InternalServerError, HttpStatusCode.InternalServerError },
        { SandboxFaultKind.ServiceUnavailable, HttpStatusCode.ServiceUnavailable },
        { SandboxFaultKind.TooManyRequests, HttpStatusCode.TooManyRequests },
    };

    [Theory]
    [MemberData(nameof(StatusFaults))]
    public async Task The_next_n_refreshes_fail_with_the_injected_status_then_recover(SandboxFaultKind kind, HttpStatusCode status)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Control.InjectFault(SandboxEndpoint.AccessToken, new SandboxFault(kind), count: 2);

        using var first = await h.RefreshAsync(seeded.RefreshToken!);
        using var second = await h.RefreshAsync(seeded.RefreshToken!);
        using var third = await h.RefreshAsync(seeded.RefreshToken!);

        Assert.Equal(status, first.StatusCode);
        Assert.Equal(status, second.StatusCode);
        Assert.True((await Harness.JsonAsync(first)).TryGetProperty("error", out _));
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(["fault", "fault", "ok"], h.Control.Requests.Select(r => r.Outcome));
        Assert.Empty(h.Control.PendingFaults);
    }

    [Theory]
    [MemberData(nameof(StatusFaults))]
    public async Task Api_faults_use_the_api_envelope_and_create_nothing(SandboxFaultKind kind, HttpStatusCode status)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Control.InjectFault(SandboxEndpoint.UgcPosts, new SandboxFault(kind));

        using var faulted = await h.UgcPostAsync(seeded.AccessToken, "Hello");
        using var other = await h.UserInfoAsync(seeded.AccessToken);

        Assert.Equal(status, faulted.StatusCode);
        Assert.Equal((int)status, (await Harness.JsonAsync(faulted)).GetProperty("status").GetInt32());
        Assert.Null(faulted.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Empty(h.Control.Posts);
    }

    [Fact]
    public async Task A_delay_fault_waits_in_real_time_while_the_fake_clock_stands_still()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Control.InjectFault(SandboxEndpoint.Userinfo, SandboxFault.Delay(TimeSpan.FromMilliseconds(800)));

        var clock = Stopwatch.StartNew();
        using var delayed = await h.UserInfoAsync(seeded.AccessToken);
        var delayedTime = clock.Elapsed;
        clock.Restart();
        using var prompt = await h.UserInfoAsync(seeded.AccessToken);

        Assert.Equal(HttpStatusCode.OK, delayed.StatusCode);
        Assert.True(delayedTime >= TimeSpan.FromMilliseconds(790), $"took {delayedTime}");
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(700), $"took {clock.Elapsed}");
        Assert.Equal(["delay", null], h.Control.Requests.Select(r => r.Fault));
        Assert.Equal(The.Start, h.Control.Now);
    }

    [Fact]
    public async Task A_delay_longer_than_the_client_timeout_looks_like_a_timeout_yet_the_call_is_processed()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.Delay(TimeSpan.FromSeconds(3)));
        // Long enough for the sandbox to have taken the body in even on a loaded machine (an abort before that
        // loses the body, and the call is then refused, which is not what this test is about).
        using var impatient = new HttpClient { BaseAddress = h.Sandbox.BaseAddress, Timeout = TimeSpan.FromSeconds(1) };

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.PostAsync("oauth/v2/accessToken", new FormUrlEncodedContent(
        [
            new("grant_type", "refresh_token"), new("refresh_token", seeded.RefreshToken!),
            new("client_id", The.ClientId), new("client_secret", The.ClientSecret),
        ]), Harness.Ct));

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (h.Control.Requests.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Harness.Ct);
        }

        var record = Assert.Single(h.Control.Requests);
        Assert.Equal(("delay", 200), (record.Fault, record.Status));
        Assert.Equal(record.IssuedTokenFingerprint, h.Control.FindGrant(seeded.GrantId)!.AccessTokenFingerprint);
    }

    [Fact]
    public async Task A_dropped_refresh_is_processed_but_the_caller_sees_a_dropped_connection()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        using (var warmUp = await h.IntrospectAsync(seeded.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        h.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.DropAfterProcessing);

        // On a reused keep-alive connection, as a real client would be: the POST must not be retried silently.
        await Assert.ThrowsAsync<HttpRequestException>(() => h.RefreshAsync(seeded.RefreshToken!));

        var record = Assert.Single(h.Control.Requests, r => r.Endpoint == SandboxEndpoint.AccessToken);
        Assert.Equal(("drop", 200, "ok"), (record.Fault, record.Status, record.Outcome));
        var grant = h.Control.FindGrant(seeded.GrantId)!;
        Assert.Equal(record.IssuedTokenFingerprint, grant.AccessTokenFingerprint);
        Assert.NotEqual(TokenFingerprint.Of(seeded.AccessToken), grant.AccessTokenFingerprint);
        using var old = await h.UserInfoAsync(seeded.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        using var retry = await h.RefreshAsync(seeded.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }

    [Fact]
    public async Task A_dropped_post_is_created_so_the_retry_is_a_duplicate()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.DropAfterProcessing);

        await Assert.ThrowsAsync<HttpRequestException>(() => h.UgcPostAsync(seeded.AccessToken, "Exactly once"));
        using var retry = await h.UgcPostAsync(seeded.AccessToken, "Exactly once");

        var post = Assert.Single(h.Control.Posts);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, retry.StatusCode);
        Assert.EndsWith(post.Urn, (await Harness.JsonAsync(retry)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SandboxEndpoint.IntrospectToken)]
    [InlineData(SandboxEndpoint.Revoke)]
    [InlineData(SandboxEndpoint.Posts)]
    [InlineData(SandboxEndpoint.Authorization)]
    public async Task Every_endpoint_takes_faults(SandboxEndpoint endpoint)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Control.InjectFault(endpoint, SandboxFault.ServiceUnavailable);

        using var response = endpoint switch
        {
            SandboxEndpoint.IntrospectToken => await h.IntrospectAsync(seeded.AccessToken),
            SandboxEndpoint.Revoke => await h.PostFormAsync("oauth/v2/revoke", ("token", seeded.AccessToken), ("client_id", The.ClientId), ("client_secret", The.ClientSecret)),
            SandboxEndpoint.Posts => await h.PostAsync(seeded.AccessToken, "Hi"),
            _ => await h.AuthorizeAsync(Harness.AuthorizeQuery()),
        };

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.False(h.Control.FindGrant(seeded.GrantId)!.IsRevoked);
        Assert.Equal(endpoint, Assert.Single(h.Control.Requests).Endpoint);
    }

    [Fact]
    public async Task Latency_applies_per_endpoint_in_real_time()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Control.SetLatency(TimeSpan.FromMilliseconds(800), SandboxEndpoint.Userinfo);

        var clock = Stopwatch.StartNew();
        using var slow = await h.UserInfoAsync(seeded.AccessToken);
        var slowTime = clock.Elapsed;
        clock.Restart();
        using var fast = await h.IntrospectAsync(seeded.AccessToken);

        Assert.True(slowTime >= TimeSpan.FromMilliseconds(790), $"took {slowTime}");
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(700), $"took {clock.Elapsed}");
        Assert.Equal(800, h.Control.Latencies["userinfo"].TotalMilliseconds);
        Assert.Equal(0, h.Control.Latencies["introspectToken"].TotalMilliseconds);
    }

    [Fact]
    public async Task A_global_latency_setting_slows_every_endpoint()
    {
        await using var h = await Harness.StartAsync(s => s.Latency = TimeSpan.FromMilliseconds(200));
        var seeded = h.Seed();

        var clock = Stopwatch.StartNew();
        using var refresh = await h.RefreshAsync(seeded.RefreshToken!);

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(190), $"took {clock.Elapsed}");
        Assert.All(h.Control.Latencies.Values, l => Assert.Equal(TimeSpan.FromMilliseconds(200), l));
    }
}
