using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Posts;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Posts;

/// <summary>The post entry's state changes as pure functions: no store, no bus, no clock.</summary>
public sealed class PostTransitionsTests
{
    private const string Holder = "worker-a/7";
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Redispatch = TimeSpan.FromMinutes(10);
    private static readonly PostContent Content = new("Hello", PostVisibility.Public);

    private static PostEntry Received(long version = 1) =>
        PostTransitions.Record("post-1", The.ConnectionId, Content, The.Now, Redispatch, invalid: null).Next with { Version = version };

    private static readonly TimeSpan Settle = TimeSpan.FromHours(1);

    private static PostEntry Claimed() => PostTransitions.Claim(Received(), The.Now, Holder, ClaimFor, Redispatch, null, Settle)!.Next with { Version = 2 };

    [Fact]
    public void An_invalid_command_is_recorded_failed_with_its_PostFailed_in_the_same_write()
    {
        var change = PostTransitions.Record("post-x", The.ConnectionId, Content, The.Now, Redispatch, "Text is required.");

        Assert.Equal(PostState.Failed, change.Next.State);
        var failed = Assert.IsType<PostFailed>(Assert.Single(change.Events));
        Assert.Equal(1, failed.Version);
        Assert.Equal(EventIds.For("post:post-x", 1, nameof(PostFailed)), failed.EventId);
        Assert.Equal(FailureClass.Invalid, failed.FailureClass);
    }

    [Fact]
    public void A_claim_is_refused_while_another_holder_has_it_and_for_a_finished_post()
    {
        var claimed = Claimed();
        Assert.Null(PostTransitions.Claim(claimed, The.Now.AddMinutes(1), "worker-b/1", ClaimFor, Redispatch, null, Settle));
        var lapsed = PostTransitions.Claim(claimed, The.Now.AddMinutes(3), "worker-b/1", ClaimFor, Redispatch, null, Settle)!;
        Assert.Equal(2, lapsed.Next.Attempts);
        Assert.True(PostTransitions.MayHaveReachedLinkedIn(claimed));
        Assert.False(PostTransitions.MayHaveReachedLinkedIn(Received()));

        var published = PostTransitions.Publish(claimed, The.Now, Holder, "urn:li:share:1")!.Next;
        Assert.Null(PostTransitions.Claim(published, The.Now.AddHours(1), "worker-b/1", ClaimFor, Redispatch, null, Settle));
    }

    [Fact]
    public void Publishing_raises_PostPublished_with_the_version_the_write_produces_and_announces_it_again_with_the_same_id()
    {
        var claimed = Claimed();
        var change = PostTransitions.Publish(claimed, The.Now.AddSeconds(2), Holder, "urn:li:share:42")!;

        var published = Assert.IsType<PostPublished>(Assert.Single(change.Events));
        Assert.Equal(claimed.Version + 1, published.Version);
        Assert.Equal(PostState.Published, change.Next.State);
        Assert.Null(change.Next.Claim);

        // What a resend announces, from the stored entry, is the same event.
        var stored = change.Next with { Version = claimed.Version + 1 };
        Assert.Equal(published, PostTransitions.Outcome(stored));
    }

    [Fact]
    public void Only_the_claim_holder_can_finish_or_release_a_post()
    {
        var claimed = Claimed();
        Assert.Null(PostTransitions.Publish(claimed, The.Now, "worker-b/1", "urn:li:share:1"));
        Assert.Null(PostTransitions.Fail(claimed, The.Now, "worker-b/1", new PostError(FailureClass.Permission, "no", The.Now)));
        Assert.Null(PostTransitions.Release(claimed, The.Now, "worker-b/1", uncertain: true, null, The.Now));
        Assert.Null(PostTransitions.AwaitReauth(claimed, The.Now, "worker-b/1", 3));
    }

    [Fact]
    public void A_release_after_a_call_that_may_have_reached_LinkedIn_is_Unknown_otherwise_Received()
    {
        var claimed = Claimed();
        var unknown = PostTransitions.Release(claimed, The.Now, Holder, uncertain: true, null, The.Now.AddMinutes(10))!;
        Assert.Equal(PostState.Unknown, unknown.Next.State);
        Assert.Equal(The.Now.AddMinutes(10), unknown.Next.NotBefore);
        Assert.Empty(unknown.Events);

        var received = PostTransitions.Release(claimed, The.Now, Holder, uncertain: false, null, The.Now.AddMinutes(10))!;
        Assert.Equal(PostState.Received, received.Next.State);
    }

    [Fact]
    public void A_post_awaiting_reauth_resumes_only_for_a_newer_active_connection()
    {
        var waiting = PostTransitions.AwaitReauth(Claimed(), The.Now, Holder, connectionVersion: 5)!.Next;
        var sameVersion = Some.Connection() with { Version = 5 };
        var reconnected = Some.Connection() with { Version = 6 };

        Assert.Null(PostTransitions.Claim(waiting, The.Now, Holder, ClaimFor, Redispatch, sameVersion, Settle));
        Assert.Null(PostTransitions.Claim(waiting, The.Now, Holder, ClaimFor, Redispatch, reconnected with { Status = ConnectionStatus.ReauthRequired }, Settle));
        Assert.NotNull(PostTransitions.Claim(waiting, The.Now, Holder, ClaimFor, Redispatch, reconnected, Settle));
        Assert.Null(PostTransitions.Resume(waiting, The.Now, waitedFor: 4, Redispatch));
        Assert.Equal(PostState.Received, PostTransitions.Resume(waiting, The.Now, waitedFor: 5, Redispatch)!.Next.State);
    }

    [Fact]
    public void The_resumption_scan_dispatches_a_due_post_once()
    {
        var due = Received() with { NotBefore = The.Now };
        var dispatched = PostTransitions.Redispatch(due, The.Now, Redispatch)!;
        Assert.Equal(The.Now + Redispatch, dispatched.Next.NotBefore);
        Assert.Null(PostTransitions.Redispatch(dispatched.Next, The.Now, Redispatch));
    }

    [Fact]
    public void Deleting_a_published_post_raises_PostDeleted_once_and_a_deleted_post_is_never_claimed_again()
    {
        var published = PostTransitions.Publish(Claimed(), The.Now, Holder, "urn:li:share:42")!.Next with { Version = 3 };

        var change = PostTransitions.Delete(published, The.Now.AddDays(1), "tenant-a")!;
        var deleted = change.Next with { Version = 4 };

        var announced = Assert.IsType<PostDeleted>(Assert.Single(change.Events));
        Assert.Equal(PostState.Deleted, deleted.State);
        Assert.Equal("urn:li:share:42", deleted.Urn);
        Assert.Equal(EventIds.For("post:post-1", 4, nameof(PostDeleted)), announced.EventId);
        Assert.Equal(("post-1", "urn:li:share:42", "tenant-a", 4L), (announced.PostId, announced.Urn, announced.TenantId, announced.Version));
        Assert.Equal(announced, PostTransitions.Outcome(deleted));
        Assert.True(deleted.IsFinished);
        Assert.Null(PostTransitions.Delete(deleted, The.Now.AddDays(2), "tenant-a"));
        Assert.Null(PostTransitions.Claim(deleted, The.Now.AddDays(2), "worker-b/1", ClaimFor, Redispatch, null, Settle));
        Assert.Null(PostTransitions.Redispatch(deleted with { NotBefore = The.Now }, The.Now.AddDays(2), Redispatch));
        Assert.Null(PostTransitions.Delete(Received(), The.Now, "tenant-a"));
        Assert.Null(PostTransitions.Delete(Claimed(), The.Now, "tenant-a"));
    }
}
