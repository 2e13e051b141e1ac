using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Publishing;

/// <summary>A member's daily posting limit: the post waits in the ledger until midnight UTC, then the resumption scan publishes it.</summary>
public sealed class RateLimitedPostTests
{
    [Fact]
    public async Task A_rate_limited_post_waits_in_the_ledger_and_is_published_after_the_limit_resets()
    {
        await using var host = await PipelineHost.StartAsync(sandboxSettings: new SandboxSettings { MemberDailyPostLimit = 1 });
        await host.ConnectAsync("c-limited");
        await host.PublishAsync(new PublishPost { PostId = "p-first", ConnectionId = "c-limited", Text = "First of the day" });

        await host.PublishAsync(new PublishPost { PostId = "p-second", ConnectionId = "c-limited", Text = "Second of the day" });

        var midnight = new DateTimeOffset(PipelineHost.Start.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        var waiting = await host.PostAsync("p-second");
        Assert.Equal(PostState.Received, waiting.State);
        Assert.Equal(midnight, waiting.NotBefore);
        Assert.Equal(FailureClass.RateLimited, waiting.LastError?.Class);
        Assert.Single(host.LinkedInPosts);
        Assert.Empty(host.Events.Posts<PostPublished>("p-second"));
        var held = Assert.Single(host.Events.Posts<PostHeld>("p-second"));
        Assert.Equal((PostHoldReason.DailyLimit, (DateTimeOffset?)midnight), (held.Reason, held.Until));

        // Sent again before the reset: the hold stands until midnight, so LinkedIn is not asked again (its answer could only
        // be the same 429, and every call counts toward the app's daily limit); nothing is announced again.
        var postCalls = host.Sandbox.Control.Requests.Count(r => r.Endpoint == SandboxEndpoint.UgcPosts);
        host.Advance(TimeSpan.FromHours(1));
        await host.PublishAsync(new PublishPost { PostId = "p-second", ConnectionId = "c-limited", Text = "Second of the day" });
        Assert.Equal(postCalls, host.Sandbox.Control.Requests.Count(r => r.Endpoint == SandboxEndpoint.UgcPosts));
        Assert.Equal(PostState.Received, (await host.PostAsync("p-second")).State);
        Assert.Single(host.Events.Posts<PostHeld>("p-second"));

        host.Advance(midnight - host.Now - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await host.ResumePostsAsync());

        host.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, await host.ResumePostsAsync());

        Assert.Equal(2, host.LinkedInPosts.Count);
        var published = Assert.Single(host.Events.Posts<PostPublished>("p-second"));
        Assert.Equal(host.LinkedInPosts.Single(p => p.Text == "Second of the day").Urn, published.Urn);
        Assert.Equal(PostState.Published, (await host.PostAsync("p-second")).State);
        Assert.Single(host.Events.Posts<PostHeld>("p-second"));
        Assert.Empty(host.Events.Posts<PostHeld>("p-first"));
    }
}
