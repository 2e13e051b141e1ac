using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Publishing;

/// <summary>
/// Scheduled posts and cancelling, on the worker's pipeline with the sandbox over HTTP and a fake clock: a post held until
/// its time goes out through the normal path, once; a cancel before then means nothing reaches LinkedIn; a cancel and the
/// publish time racing for one post settle at the ledger, one way or the other, never both.
/// </summary>
public sealed class ScheduledPostTests
{
    [Fact]
    public async Task A_post_scheduled_ahead_is_announced_once_waits_and_goes_out_at_its_time()
    {
        await using var host = await PipelineHost.StartAsync();
        await host.ConnectAsync("c-sched");
        var publishAt = host.Now.AddHours(1);
        var command = new PublishPost { PostId = "p-later", ConnectionId = "c-sched", Text = "In an hour", PublishAt = publishAt };

        await host.PublishAsync(command);
        await host.PublishAsync(command);
        var held = await host.PostAsync("p-later");
        host.Advance(TimeSpan.FromMinutes(59));
        var early = await host.ResumePostsAsync();

        Assert.Equal(PostState.Scheduled, held.State);
        Assert.Equal(publishAt, held.NotBefore);
        var scheduled = Assert.Single(host.Events.Posts<PostScheduled>("p-later"));
        Assert.Equal(publishAt, scheduled.PublishAt);
        Assert.Equal(0, early);
        Assert.Empty(host.LinkedInPosts);

        host.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await host.ResumePostsAsync());

        var post = Assert.Single(host.LinkedInPosts);
        Assert.Equal("In an hour", post.Text);
        Assert.Equal(post.Urn, Assert.Single(host.Events.Posts<PostPublished>("p-later")).Urn);
        Assert.Equal(PostState.Published, (await host.PostAsync("p-later")).State);
    }

    [Fact]
    public async Task A_scheduled_post_cancelled_before_its_time_never_reaches_LinkedIn_and_a_resend_hears_it_was_cancelled()
    {
        await using var host = await PipelineHost.StartAsync();
        await host.ConnectAsync("c-cancel");
        var command = new PublishPost { PostId = "p-cancel", ConnectionId = "c-cancel", Text = "Never mind", PublishAt = host.Now.AddMinutes(30) };
        await host.PublishAsync(command);

        await host.CancelAsync(new CancelPost { PostId = "p-cancel", Reason = "campaign pulled" });
        await host.CancelAsync(new CancelPost { PostId = "p-cancel", Reason = "campaign pulled" });
        host.Advance(TimeSpan.FromHours(1));
        await host.ResumePostsAsync();
        await host.PublishAsync(command);

        Assert.Empty(host.LinkedInPosts);
        Assert.Equal(PostState.Cancelled, (await host.PostAsync("p-cancel")).State);
        var cancelled = Assert.Single(host.Events.Posts<PostCancelled>("p-cancel"));
        Assert.Equal("campaign pulled", cancelled.Reason);
        // Announced when cancelled, and again (same id) for the second cancel and the resent command.
        Assert.Equal(3, host.Events.PostDeliveries.Count(e => e.EventId == cancelled.EventId));
        Assert.Empty(host.Events.Posts<PostPublished>("p-cancel"));
    }

    [Fact]
    public async Task A_cancel_racing_the_publish_time_ends_one_way_only_and_too_late_a_cancel_hears_the_outcome()
    {
        await using var host = await PipelineHost.StartAsync();
        await host.ConnectAsync("c-race");
        const int posts = 6;
        for (var i = 0; i < posts; i++)
        {
            await host.PublishAsync(new PublishPost { PostId = $"p-race-{i}", ConnectionId = "c-race", Text = $"Race {i}", PublishAt = host.Now.AddMinutes(5) });
        }

        host.Advance(TimeSpan.FromMinutes(5));
        await Task.WhenAll(
            host.ResumePostsAsync(),
            Task.WhenAll(Enumerable.Range(0, posts).Select(i => host.CancelAsync(new CancelPost { PostId = $"p-race-{i}" }))));
        await host.ResumePostsAsync();

        for (var i = 0; i < posts; i++)
        {
            var id = $"p-race-{i}";
            var state = (await host.PostAsync(id)).State;
            var onLinkedIn = host.LinkedInPosts.Count(p => p.Text == $"Race {i}");
            Assert.True(
                (state == PostState.Published && onLinkedIn == 1 && host.Events.Posts<PostPublished>(id).Count == 1 && host.Events.Posts<PostCancelled>(id).Count == 0) ||
                (state == PostState.Cancelled && onLinkedIn == 0 && host.Events.Posts<PostCancelled>(id).Count == 1 && host.Events.Posts<PostPublished>(id).Count == 0),
                $"{id}: {state}, {onLinkedIn} on LinkedIn");
        }

        // Too late for certain: the published post's outcome is announced again to the canceller.
        var published = host.Events.PostDeliveries.OfType<PostPublished>().FirstOrDefault();
        if (published is not null)
        {
            await host.CancelAsync(new CancelPost { PostId = published.PostId });
            Assert.Equal(PostState.Published, (await host.PostAsync(published.PostId)).State);
            Assert.True(host.Events.PostDeliveries.Count(e => e.EventId == published.EventId) >= 2);
        }
    }

    [Fact]
    public async Task A_post_scheduled_beyond_the_horizon_fails_at_once_and_another_time_under_the_same_id_is_refused()
    {
        await using var host = await PipelineHost.StartAsync();
        await host.ConnectAsync("c-far");

        await host.PublishAsync(new PublishPost { PostId = "p-far", ConnectionId = "c-far", Text = "Next decade", PublishAt = host.Now.AddDays(400) });
        await host.PublishAsync(new PublishPost { PostId = "p-moved", ConnectionId = "c-far", Text = "Moved", PublishAt = host.Now.AddHours(2) });
        await host.PublishAsync(new PublishPost { PostId = "p-moved", ConnectionId = "c-far", Text = "Moved", PublishAt = host.Now.AddHours(3) });

        Assert.Contains("Publishing:MaxScheduleAhead", Assert.Single(host.Events.Posts<PostFailed>("p-far")).Reason, StringComparison.Ordinal);
        Assert.Contains("already used for different content", Assert.Single(host.Events.Posts<PostFailed>("p-moved")).Reason, StringComparison.Ordinal);
        Assert.Equal(PostState.Scheduled, (await host.PostAsync("p-moved")).State);
        Assert.Empty(host.LinkedInPosts);
    }

    [Fact]
    public async Task A_cancel_naming_another_tenant_or_an_unknown_post_changes_nothing()
    {
        await using var host = await PipelineHost.StartAsync();
        await host.ConnectAsync("c-tenant");
        await host.PublishAsync(new PublishPost { PostId = "p-mine", ConnectionId = "c-tenant", Text = "Mine", PublishAt = host.Now.AddHours(1) });

        await host.CancelAsync(new CancelPost { PostId = "p-mine", TenantId = "someone-else" });
        await host.CancelAsync(new CancelPost { PostId = "p-nobody" });

        Assert.Equal(PostState.Scheduled, (await host.PostAsync("p-mine")).State);
        Assert.Empty(host.Events.Posts<PostCancelled>("p-mine"));
    }
}
