using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Publishing;

/// <summary>
/// A PublishPost names its connection's tenant, and a PostId stands for one post: a command for another tenant's
/// connection, or a PostId reused for other content, is refused with PostFailed and nothing is sent.
/// </summary>
public sealed class PostIdentityTests
{
    [Fact]
    public async Task A_PostId_reused_for_other_text_or_another_connection_is_refused_and_the_first_post_is_kept()
    {
        await using var host = await PipelineHost.StartAsync();
        await host.ConnectAsync("c-first");
        await host.ConnectAsync("c-second");
        await host.PublishAsync(new PublishPost { PostId = "p-once", ConnectionId = "c-first", Text = "The first post" });
        var first = Assert.Single(host.Events.Posts<PostPublished>("p-once"));

        await host.PublishAsync(new PublishPost { PostId = "p-once", ConnectionId = "c-first", Text = "Something else entirely" });
        await host.PublishAsync(new PublishPost { PostId = "p-once", ConnectionId = "c-second", Text = "The first post" });
        await host.PublishAsync(new PublishPost { PostId = "p-once", ConnectionId = "c-first", Text = "The first post" });

        Assert.Single(host.LinkedInPosts);
        var refusals = host.Events.Posts<PostFailed>("p-once");
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, f => Assert.Contains("PostId already used for different content", f.Reason, StringComparison.Ordinal));
        Assert.Contains(refusals, f => f.ConnectionId == "c-second");
        // The exact resend is still answered with the first post's outcome, same event id.
        Assert.Equal(2, host.Events.PostDeliveries.OfType<PostPublished>().Count(e => e.EventId == first.EventId));
        var entry = await host.PostAsync("p-once");
        Assert.Equal(PostState.Published, entry.State);
        Assert.Equal("The first post", entry.Content.Text);
    }

    [Fact]
    public async Task A_command_naming_another_tenant_posts_nothing_through_the_connection()
    {
        await using var host = await PipelineHost.StartAsync();
        await host.ConnectAsync("c-owned", tenantId: "acme");

        await host.PublishAsync(new PublishPost { PostId = "p-intruder", ConnectionId = "c-owned", TenantId = "globex", Text = "Not yours" });
        await host.PublishAsync(new PublishPost { PostId = "p-owner", ConnectionId = "c-owned", TenantId = "acme", Text = "Ours" });

        var refused = Assert.Single(host.Events.Posts<PostFailed>("p-intruder"));
        Assert.Equal(FailureClass.Invalid, refused.FailureClass);
        Assert.Contains("does not exist for tenant 'globex'", refused.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("acme", refused.Reason, StringComparison.Ordinal);
        Assert.Equal("Ours", Assert.Single(host.LinkedInPosts).Text);
    }

    [Fact]
    public async Task With_RequireTenantId_a_command_without_a_tenant_is_refused()
    {
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Publishing:RequireTenantId"] = "true" });
        await host.ConnectAsync("c-strict", tenantId: "acme");

        await host.PublishAsync(new PublishPost { PostId = "p-anonymous", ConnectionId = "c-strict", Text = "Whose?" });

        Assert.Contains("TenantId is required", Assert.Single(host.Events.Posts<PostFailed>("p-anonymous")).Reason, StringComparison.Ordinal);
        Assert.Empty(host.LinkedInPosts);
    }
}
