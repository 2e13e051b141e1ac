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
