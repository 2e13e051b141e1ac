using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Publishing;

/// <summary>LinkedIn answers 401 to a post call: refreshed once and posted when refreshing cures it; parked for the member when it cannot.</summary>
public sealed class UnauthorizedPostTests
{
    [Fact]
    public async Task A_401_cured_by_one_refresh_posts_once_with_one_exchange()
    {
        await using var host = await PipelineHost.StartAsync();
        var (_, grant) = await host.ConnectAsync("c-stale");
        // LinkedIn's access token ran out (61 days) while the worker believed it good: the post call gets a 401.
        host.Advance(TimeSpan.FromDays(61));
        await host.WriteAsync("c-stale", c => c with { AccessTokenExpiresAt = host.Now.AddDays(5) });

        await host.PublishAsync(new PublishPost { PostId = "p-stale", ConnectionId = "c-stale", Text = "After a 401" });

        var calls = host.Sandbox.Control.Requests.Where(r => r.Endpoint == SandboxEndpoint.UgcPosts).Select(r => r.Status).ToArray();
        Assert.Equal([401, 201], calls);
        Assert.Equal(1, host.RefreshExchanges(grant.GrantId));
        var post = Assert.Single(host.LinkedInPosts);
        Assert.Equal(post.Urn, Assert.Single(host.Events.Posts<PostPublished>("p-stale")).Urn);
        Assert.Single(host.Events.Of<TokenRefreshed>("c-stale"));
        Assert.Empty(host.Events.Of<ReauthRequired>("c-stale"));
    }

    // Found by `make chaos` (seed 1, quick): a refresh answered slower than the request timeout was processed by LinkedIn
    // after the worker's retry, so LinkedIn's newest access token was not the stored one. With the stored token already
    // ending with the refresh token, the 401 that followed was taken for a dead grant and the member was asked to log in.
    [Fact]
    public async Task A_401_on_an_access_token_that_ends_with_the_refresh_token_is_cured_by_one_refresh_not_a_reauth()
    {
        await using var host = await PipelineHost.StartAsync();
        var (_, grant) = await host.ConnectAsync("c-final");
        host.Advance(TimeSpan.FromDays(310));
        Assert.Equal(RefreshOutcome.Refreshed, (await host.RefreshAsync("c-final")).Outcome);
        var final = await host.GetAsync("c-final");
        Assert.Equal(final.RefreshTokenExpiresAt, final.AccessTokenExpiresAt);
        // The lost answer: LinkedIn processed one more exchange of the refresh token and revoked the stored access token.
        using (var http = new HttpClient { BaseAddress = host.Sandbox.BaseAddress })
        using (var late = await http.PostAsync(new Uri("oauth/v2/accessToken", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = grant.RefreshToken!,
            ["client_id"] = PipelineHost.ClientId,
            ["client_secret"] = PipelineHost.ClientSecret,
        }), TestContext.Current.CancellationToken))
        {
            late.EnsureSuccessStatusCode();
        }

        await host.PublishAsync(new PublishPost { PostId = "p-final", ConnectionId = "c-final", Text = "After a lost refresh answer" });

        var calls = host.Sandbox.Control.Requests.Where(r => r.Endpoint == SandboxEndpoint.UgcPosts).Select(r => r.Status).ToArray();
        Assert.Equal([401, 201], calls);
        Assert.Single(host.Events.Posts<PostPublished>("p-final"));
        Assert.Empty(host.Events.Of<ReauthRequired>("c-final"));
        Assert.Equal(ConnectionStatus.Active, (await host.GetAsync("c-final")).Status);
    }

    [Fact]
    public async Task A_401_on_a_connection_that_cannot_refresh_asks_the_member_once_and_parks_the_post()
    {
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?>
        {
            ["Publishing:QuickRetryCount"] = "3",
            ["Publishing:QuickRetryInterval"] = "00:00:00",
        });
        var (_, grant) = await host.ConnectAsync("c-selfserve", programmaticRefresh: false);
        host.Sandbox.Control.RevokeGrant(grant.GrantId);

        await host.PublishAsync(new PublishPost { PostId = "p-selfserve", ConnectionId = "c-selfserve", Text = "Revoked, no refresh token" });

        Assert.Single(host.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.UgcPosts);
        var reauth = Assert.Single(host.Events.Of<ReauthRequired>("c-selfserve"));
        Assert.Equal(ReauthReason.AccessTokenRejected, reauth.Reason);
        Assert.Equal(ConnectionStatus.ReauthRequired, (await host.GetAsync("c-selfserve")).Status);
        var entry = await host.PostAsync("p-selfserve");
        Assert.Equal(PostState.AwaitingReauth, entry.State);
        Assert.Empty(host.Events.Posts<PostFailed>("p-selfserve"));

        // A later resend or scan neither calls LinkedIn again nor asks the member twice.
        host.Advance(TimeSpan.FromMinutes(30));
        await host.ResumePostsAsync();
        await host.PublishAsync(new PublishPost { PostId = "p-selfserve", ConnectionId = "c-selfserve", Text = "Revoked, no refresh token" });
        Assert.Single(host.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.UgcPosts);
        Assert.Single(host.Events.Of<ReauthRequired>("c-selfserve"));
    }
}
