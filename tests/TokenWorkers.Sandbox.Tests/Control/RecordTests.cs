using System.Net;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Control;

public sealed class RecordTests
{
    [Fact]
    public void The_fingerprint_is_the_first_8_hex_characters_of_sha256()
    {
        // SHA-256("abc") = ba7816bf 8f01cfea ...
        Assert.Equal("ba7816bf", TokenFingerprint.Of("abc"));
        Assert.Equal("e3b0c442", TokenFingerprint.Of(""));
    }

    [Fact]
    public async Task Refresh_exchanges_are_recorded_per_grant_with_fingerprints_never_tokens()
    {
        await using var h = await Harness.StartAsync();
        var ada = h.Seed();
        var grace = h.Seed(memberSub: The.OtherMemberSub);
        var issued = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await h.RefreshAsync(ada.RefreshToken!);
            issued.Add((await Harness.TokenAsync(response)).GetProperty("access_token").GetString()!);
        }

        using (await h.RefreshAsync(grace.RefreshToken!))
        {
        }

        var adaRefreshes = h.Control.Requests.Where(r => r.GrantId == ada.GrantId && r.GrantType == "refresh_token").ToList();
        Assert.Equal(3, adaRefreshes.Count);
        Assert.All(adaRefreshes, r =>
        {
            Assert.Equal(SandboxEndpoint.AccessToken, r.Endpoint);
            Assert.Equal((The.ClientId, The.MemberSub, 200, "ok"), (r.ClientId, r.MemberSub, r.Status, r.Outcome));
            Assert.Equal(TokenFingerprint.Of(ada.RefreshToken!), r.TokenFingerprint);
            Assert.Matches("^[0-9a-f]{8}$", r.TokenFingerprint);
            Assert.Equal(The.Start, r.Time);
        });
        Assert.Equal(issued.Select(TokenFingerprint.Of), adaRefreshes.Select(r => r.IssuedTokenFingerprint));
        var secrets = new[] { ada.AccessToken, ada.RefreshToken!, grace.AccessToken, grace.RefreshToken! }.Concat(issued).ToList();
        var everything = string.Join("\n", h.Control.Requests.Select(r => r.ToString()));
        Assert.DoesNotContain(secrets, s => everything.Contains(s, StringComparison.Ordinal) || everything.Contains(s[..40], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Posts_and_failures_are_recorded_with_member_status_and_outcome()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        using var created = await h.UgcPostAsync(seeded.AccessToken, "one");
        using var duplicate = await h.UgcPostAsync(seeded.AccessToken, "one");
        using var invalid = await h.UserInfoAsync("AQVnope");

        var requests = h.Control.Requests;

        Assert.Equal(2, requests.Count(r => r.MemberSub == The.MemberSub && r.Endpoint == SandboxEndpoint.UgcPosts));
        Assert.Equal((201, "ok"), (requests[0].Status, requests[0].Outcome));
        Assert.Equal(Assert.Single(created.Headers.GetValues("x-restli-id")), requests[0].PostUrn);
        Assert.Equal((422, "DUPLICATE_POST"), (requests[1].Status, requests[1].Outcome));
        Assert.Equal((401, "INVALID_ACCESS_TOKEN", TokenFingerprint.Of("AQVnope")), (requests[2].Status, requests[2].Outcome, requests[2].TokenFingerprint));
        Assert.Equal([1L, 2L, 3L], requests.Select(r => r.Sequence));
    }

    [Fact]
    public async Task The_record_is_queryable_over_http_and_can_be_reset()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        using (await h.RefreshAsync(seeded.RefreshToken!))
        using (await h.RefreshAsync(seeded.RefreshToken!))
        using (await h.UserInfoAsync(seeded.AccessToken))
        {
        }

        using var query = await h.Http.GetAsync($"_sandbox/requests?endpoint=accessToken&grantType=refresh_token&grantId={seeded.GrantId}", Harness.Ct);
        var body = await Harness.TokenAsync(query);

        Assert.Equal(2, body.GetProperty("count").GetInt32());
        var first = body.GetProperty("requests")[0];
        Assert.Equal("accessToken", first.GetProperty("endpoint").GetString());
        Assert.Equal(TokenFingerprint.Of(seeded.RefreshToken!), first.GetProperty("tokenFingerprint").GetString());
        Assert.DoesNotContain(seeded.RefreshToken!, body.GetRawText(), StringComparison.Ordinal);

        using var byFingerprint = await h.Http.GetAsync($"_sandbox/requests?fingerprint={TokenFingerprint.Of(seeded.AccessToken)}", Harness.Ct);
        Assert.Equal("userinfo", (await Harness.TokenAsync(byFingerprint)).GetProperty("requests")[0].GetProperty("endpoint").GetString());

        using var reset = await h.Http.DeleteAsync("_sandbox/requests", Harness.Ct);
        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        Assert.Empty(h.Control.Requests);
    }

    [Fact]
    public async Task Each_call_is_recorded_with_when_it_arrived_when_it_was_answered_and_the_host_it_was_addressed_to()
    {
        await using var h = await Harness.StartAsync(ownClock: true);
        var seeded = h.Seed();
        h.Control.SetLatency(TimeSpan.FromMilliseconds(300), SandboxEndpoint.AccessToken);
        var port = h.Sandbox.BaseAddress.Port;
        using var byName = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}/") };

        using (await h.RefreshAsync(seeded.RefreshToken!))
        using (await byName.GetAsync(new Uri("v2/userinfo", UriKind.Relative), Harness.Ct))
        {
        }

        var (refresh, userInfo) = (h.Control.Requests[0], h.Control.Requests[1]);
        // The latency is waited between arrival and answer, so a caller's call was in flight exactly in between.
        Assert.InRange(refresh.AnsweredAt - refresh.Time, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));
        Assert.InRange(userInfo.AnsweredAt - userInfo.Time, TimeSpan.Zero, TimeSpan.FromMilliseconds(250));
        Assert.True(userInfo.Time >= refresh.AnsweredAt, $"{userInfo.Time:O} before {refresh.AnsweredAt:O}");
        Assert.Equal($"127.0.0.1:{port}", refresh.Host);
        Assert.Equal($"localhost:{port}", userInfo.Host);
    }

    [Fact]
    public async Task The_record_keeps_only_the_newest_requests_past_its_capacity()
    {
        await using var h = await Harness.StartAsync(s => s.MaxRecordedRequests = 5);
        for (var i = 0; i < 8; i++)
        {
            using (await h.UserInfoAsync("AQVnope"))
            {
            }
        }

        Assert.Equal([4L, 5L, 6L, 7L, 8L], h.Control.Requests.Select(r => r.Sequence));
    }
}
