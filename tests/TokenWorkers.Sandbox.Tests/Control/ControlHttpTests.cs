using System.Net;
using System.Net.Http.Json;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Control;

/// <summary>The /_sandbox surface: the same operations as SandboxControl, JSON in and out.</summary>
public sealed class ControlHttpTests
{
    [Fact]
    public async Task Apps_members_and_a_seeded_grant_can_be_created_over_http()
    {
        await using var h = await Harness.StartAsync();

        using var app = await h.Http.PostAsJsonAsync("_sandbox/apps", new
        {
            clientId = "http-app",
            clientSecret = "http-secret",
            programmaticRefresh = true,
            redirectUris = new[] { "http://localhost:9/cb" },
            allowedScopes = new[] { "openid", "profile", "w_member_social" },
        }, Harness.Ct);
        using var member = await h.Http.PostAsJsonAsync("_sandbox/members", new { name = "Linus Torvalds", email = "linus@example.com" }, Harness.Ct);
        var sub = (await Harness.JsonAsync(member)).GetProperty("sub").GetString()!;
        using var grant = await h.Http.PostAsJsonAsync("_sandbox/grants", new { clientId = "http-app", memberSub = sub, scope = "openid profile w_member_social" }, Harness.Ct);

        Assert.Equal(HttpStatusCode.Created, app.StatusCode);
        Assert.Equal(HttpStatusCode.Created, member.StatusCode);
        Assert.Matches("^[A-Za-z0-9_-]{10}$", sub);
        Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
        var token = await Harness.JsonAsync(grant);
        Assert.Equal(The.SixtyDays, token.GetProperty("expires_in").GetInt64());
        Assert.Equal(The.OneYear, token.GetProperty("refresh_token_expires_in").GetInt64());
        Assert.Equal("openid,profile,w_member_social", token.GetProperty("scope").GetString());
        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
        Assert.StartsWith("grant-", token.GetProperty("grant_id").GetString(), StringComparison.Ordinal);
        using var userinfo = await h.UserInfoAsync(token.GetProperty("access_token").GetString()!);
        Assert.Equal("Linus", (await Harness.JsonAsync(userinfo)).GetProperty("given_name").GetString());
    }

    [Fact]
    public async Task Faults_latency_and_refresh_overrides_can_be_set_over_http()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var fault = await h.Http.PostAsJsonAsync("_sandbox/faults", new { endpoint = "accessToken", fault = "503", count = 2 }, Harness.Ct);
        Assert.Equal(2, (await Harness.JsonAsync(fault)).GetProperty("accessToken").GetArrayLength());
        using (var failed = await h.RefreshAsync(seeded.RefreshToken!))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
        }

        using var cleared = await h.Http.DeleteAsync("_sandbox/faults", Harness.Ct);
        Assert.Empty(h.Control.PendingFaults);

        using var latency = await h.Http.PutAsJsonAsync("_sandbox/latency", new { milliseconds = 200, endpoint = "posts" }, Harness.Ct);
        Assert.Equal(200, (await Harness.JsonAsync(latency)).GetProperty("posts").GetDouble());
        Assert.Equal(TimeSpan.FromMilliseconds(200), h.Control.Latencies["posts"]);

        using var omit = await h.Http.PostAsync($"_sandbox/grants/{seeded.GrantId}/omit-next-refresh-token", null, Harness.Ct);
        Assert.Equal(HttpStatusCode.NoContent, omit.StatusCode);
        using var refreshed = await h.RefreshAsync(seeded.RefreshToken!);
        Assert.False((await Harness.TokenAsync(refreshed)).TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task Grants_can_be_listed_and_revoked_by_the_member_over_http()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var list = await h.Http.GetAsync($"_sandbox/grants?memberSub={The.MemberSub}", Harness.Ct);
        var grants = await Harness.TokenAsync(list);
        Assert.Equal(seeded.GrantId, grants[0].GetProperty("grantId").GetString());
        Assert.Equal(TokenFingerprint.Of(seeded.RefreshToken!), grants[0].GetProperty("refreshTokenFingerprint").GetString());

        using var revoke = await h.Http.PostAsJsonAsync($"_sandbox/members/{The.MemberSub}/revoke-app", new { clientId = The.ClientId }, Harness.Ct);
        Assert.Equal(1, (await Harness.JsonAsync(revoke)).GetProperty("revokedGrants").GetInt32());
        using var api = await h.UserInfoAsync(seeded.AccessToken);
        await Harness.ApiErrorAsync(api, HttpStatusCode.Unauthorized, "REVOKED_ACCESS_TOKEN", 65601);
    }

    [Fact]
    public async Task Authorization_can_be_switched_to_deny_over_http()
    {
        await using var h = await Harness.StartAsync();

        using var deny = await h.Http.PutAsJsonAsync("_sandbox/authorization", new { decision = "deny" }, Harness.Ct);
        using var response = await h.AuthorizeAsync(Harness.AuthorizeQuery());

        Assert.Equal("deny", (await Harness.JsonAsync(deny)).GetProperty("decision").GetString());
        Assert.Equal("user_cancelled_authorize", Harness.Query(response.Headers.Location!)["error"]);
    }

    [Theory]
    [InlineData("_sandbox/grants", "{\"clientId\":\"test-app\"}", HttpStatusCode.BadRequest)]
    [InlineData("_sandbox/grants", "{\"clientId\":\"nope\",\"memberSub\":\"Mem8er_x1Q\",\"scope\":\"openid\"}", HttpStatusCode.NotFound)]
    [InlineData("_sandbox/grants", "{\"clientId\":\"test-app\",\"memberSub\":\"Mem8er_x1Q\",\"scope\":\"offline_access\"}", HttpStatusCode.BadRequest)]
    [InlineData("_sandbox/grants", "{not json", HttpStatusCode.BadRequest)]
    [InlineData("_sandbox/faults", "{\"endpoint\":\"nowhere\",\"fault\":\"500\"}", HttpStatusCode.BadRequest)]
    [InlineData("_sandbox/faults", "{\"endpoint\":\"posts\",\"fault\":\"418\"}", HttpStatusCode.BadRequest)]
    [InlineData("_sandbox/apps", "{\"clientId\":\"x\",\"clientSecret\":\"y\",\"redirectUris\":[\"not a url\"]}", HttpStatusCode.BadRequest)]
    [InlineData("_sandbox/members", "{\"sub\":\"bad sub!\",\"name\":\"X\"}", HttpStatusCode.BadRequest)]
    [InlineData("_sandbox/grants/grant-999999/revoke", "{}", HttpStatusCode.NotFound)]
    [InlineData("_sandbox/clock/advance", "{\"days\":1}", HttpStatusCode.Conflict)]
    public async Task Bad_control_requests_get_a_json_error_not_a_500(string path, string json, HttpStatusCode status)
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.Http.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json"), Harness.Ct);

        Assert.Equal(status, response.StatusCode);
        if (status != HttpStatusCode.NoContent)
        {
            Assert.False(string.IsNullOrEmpty((await Harness.JsonAsync(response)).GetProperty("errorDescription").GetString()));
        }
    }

    [Fact]
    public async Task The_posts_of_a_member_can_be_listed()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        using (await h.UgcPostAsync(seeded.AccessToken, "listed"))
        {
        }

        using var response = await h.Http.GetAsync($"_sandbox/posts?author={Uri.EscapeDataString(The.PersonUrn)}", Harness.Ct);

        var posts = await Harness.TokenAsync(response);
        Assert.Equal("listed", Assert.Single(posts.EnumerateArray()).GetProperty("text").GetString());
    }
}
