using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Outbox;
using TokenWorkers.Posts;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Publishing;

/// <summary>
/// A post's outcome and its event are one write: when the publish fails right after the ledger write (the broker went
/// away, or the process died there), the event waits in the entry's outbox and the sweep announces it, once, with the
/// id the lost publish had.
/// </summary>
public sealed class PostOutcomeOutboxTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await PipelineHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static PublishPost Post(string postId, string connectionId, string? text = null) => new()
    {
        PostId = postId,
        ConnectionId = connectionId,
        Text = text ?? $"Post {postId}: hello from TokenWorkers",
    };

    [Fact]
    public async Task PostPublished_lost_after_the_ledger_write_is_announced_by_the_sweep_once_with_the_same_event_id()
    {
        await _host.ConnectAsync("c-lost");
        _host.PublishFaults.RefuseNext<PostPublished>();

        await _host.PublishAsync(Post("p-lost", "c-lost"));

        var lost = Assert.IsType<PostPublished>(Assert.Single(_host.PublishFaults.Refused));
        Assert.DoesNotContain(_host.Events.PostDeliveries, e => e.PostId == "p-lost");
        var entry = await _host.PostAsync("p-lost");
        Assert.Equal(PostState.Published, entry.State);
        Assert.Equal(lost.EventId, Assert.Single(entry.PendingEvents).EventId);
        Assert.Single(_host.LinkedInPosts);

        // Within the grace period the sweep leaves it to the writer; after it, the sweep announces it.
        Assert.Equal(0, await _host.SweepAsync());
        _host.Advance(OutboxSweeper.Grace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _host.SweepAsync());
        Assert.Equal(0, await _host.SweepAsync());

        var delivered = Assert.Single(_host.Events.PostDeliveries, e => e.PostId == "p-lost");
        Assert.Equal(lost.EventId, delivered.EventId);
        var published = Assert.IsType<PostPublished>(delivered);
        Assert.Equal(lost.Urn, published.Urn);
        Assert.Equal(lost.Version, published.Version);
        var swept = await _host.PostAsync("p-lost");
        Assert.Empty(swept.PendingEvents);
        Assert.Equal(entry.Version, swept.Version);
        Assert.Single(_host.LinkedInPosts);
    }

    [Fact]
    public async Task A_resend_after_the_sweep_announces_the_same_event_again_and_posts_nothing()
    {
        await _host.ConnectAsync("c-resend");
        _host.PublishFaults.RefuseNext<PostPublished>();
        await _host.PublishAsync(Post("p-resend", "c-resend"));
        _host.Advance(OutboxSweeper.Grace + TimeSpan.FromSeconds(1));
        await _host.SweepAsync();

        await _host.PublishAsync(Post("p-resend", "c-resend"));

        var lost = Assert.IsType<PostPublished>(Assert.Single(_host.PublishFaults.Refused));
        var deliveries = _host.Events.PostDeliveries.Where(e => e.PostId == "p-resend").ToArray();
        Assert.Equal(2, deliveries.Length);
        Assert.All(deliveries, e => Assert.Equal(lost.EventId, e.EventId));
        Assert.Single(_host.LinkedInPosts);
    }

    [Fact]
    public async Task PostFailed_for_an_invalid_command_waits_in_the_outbox_when_its_publish_fails()
    {
        _host.PublishFaults.RefuseNext<PostFailed>();

        await _host.PublishAsync(Post("p-invalid", "no-such-connection"));

        var lost = Assert.IsType<PostFailed>(Assert.Single(_host.PublishFaults.Refused));
        var entry = await _host.PostAsync("p-invalid");
        Assert.Equal(PostState.Failed, entry.State);
        Assert.Equal(EventIds.For("post:p-invalid", 1, nameof(PostFailed)), lost.EventId);
        _host.Advance(OutboxSweeper.Grace + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _host.SweepAsync());
        Assert.Equal(lost.EventId, Assert.Single(_host.Events.PostDeliveries, e => e.PostId == "p-invalid").EventId);
    }
}
