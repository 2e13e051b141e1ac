using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Ports;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Posts;

/// <summary>A held post is announced with PostHeld once per hold, in the write that holds it: pure transitions, no store or bus.</summary>
public sealed class PostHoldTransitionsTests
{
    private const string Holder = "worker-a/7";
    private static readonly TimeSpan ClaimFor = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Redispatch = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Settle = TimeSpan.FromHours(1);
    private static readonly DateTimeOffset Midnight = new(The.Now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
    private static readonly ApiRejected Throttled = new(FailureClass.RateLimited, 429, "TOO_MANY_REQUESTS", "LinkedIn answered HTTP 429 TOO_MANY_REQUESTS", Midnight);
    private static readonly ApiRejected Sunset = new(FailureClass.Configuration, 426, "NONEXISTENT_VERSION", "LinkedIn answered HTTP 426 NONEXISTENT_VERSION");

    private static PostEntry Claimed(PostEntry? from = null, DateTimeOffset? at = null, Connection? connection = null)
    {
        var entry = from ?? PostTransitions.Record("post-1", The.ConnectionId, new PostContent("Hello", PostVisibility.Public), The.Now, Redispatch, null).Next
            with
        { Version = 1 };
        var claimed = PostTransitions.Claim(entry, at ?? The.Now, Holder, ClaimFor, Redispatch, connection, Settle)!.Next;
        return claimed with { Version = entry.Version + 1 };
    }

    private static Change<PostEntry> RateLimited(PostEntry claimed, DateTimeOffset now, ApiRejected answer) =>
        PostTransitions.Release(claimed, now, Holder, uncertain: false, new PostError(FailureClass.RateLimited, answer.Message, now), answer.RetryAt!.Value,
            hold: PostHolds.DailyLimit(answer, now, "tenant-a"))!;

    [Fact]
    public void Waiting_for_a_reauthorization_raises_one_PostHeld_with_no_until_in_the_same_write()
    {
        var claimed = Claimed();

        var change = PostTransitions.AwaitReauth(claimed, The.Now, Holder, connectionVersion: 5, tenantId: "tenant-a")!;

        var held = Assert.IsType<PostHeld>(Assert.Single(change.Events));
        Assert.Equal((PostHoldReason.AwaitingReauthorization, (DateTimeOffset?)null), (held.Reason, held.Until));
        Assert.Equal(("post-1", The.ConnectionId, "tenant-a"), (held.PostId, held.ConnectionId, held.TenantId));
        Assert.Equal(claimed.Version + 1, held.Version);
        Assert.Equal(EventIds.For("post:post-1", claimed.Version + 1, nameof(PostHeld)), held.EventId);
        Assert.Contains("log in again", held.Description, StringComparison.Ordinal);
        Assert.Equal(PostHoldReason.AwaitingReauthorization, change.Next.Hold?.Reason);
    }

    [Fact]
    public void A_daily_limit_is_announced_with_its_reset_and_a_recheck_that_meets_the_same_limit_announces_nothing()
    {
        var first = RateLimited(Claimed(), The.Now, Throttled);
        var held = Assert.IsType<PostHeld>(Assert.Single(first.Events));
        Assert.Equal((PostHoldReason.DailyLimit, (DateTimeOffset?)Midnight), (held.Reason, held.Until));
        Assert.Contains(Midnight.ToString("u", System.Globalization.CultureInfo.InvariantCulture), held.Description, StringComparison.Ordinal);

        // The scan claims it again at the reset, and LinkedIn (its clock a little behind) still says 429 with the same reset.
        var again = RateLimited(Claimed(first.Next with { Version = 3 }, Midnight), Midnight, Throttled);

        Assert.Empty(again.Events);
        Assert.Equal(first.Next.Hold, again.Next.Hold);
    }

    [Fact]
    public void A_post_held_by_the_daily_limit_cannot_be_claimed_before_the_limit_resets()
    {
        var limited = RateLimited(Claimed(), The.Now, Throttled).Next with { Version = 3 };

        Assert.Null(PostTransitions.Claim(limited, Midnight.AddTicks(-1), Holder, ClaimFor, Redispatch, null, Settle));
        Assert.Equal(PostState.Publishing, PostTransitions.Claim(limited, Midnight, Holder, ClaimFor, Redispatch, null, Settle)!.Next.State);
    }

    [Fact]
    public void A_new_limit_after_the_reset_or_a_different_hold_is_announced_again()
    {
        var limited = RateLimited(Claimed(), The.Now, Throttled).Next with { Version = 3 };
        var nextDay = Midnight.AddMinutes(1);

        var tomorrow = RateLimited(Claimed(limited, nextDay), nextDay, Throttled with { RetryAt = Midnight.AddDays(1) });
        Assert.Equal(Midnight.AddDays(1), Assert.IsType<PostHeld>(Assert.Single(tomorrow.Events)).Until);

        var sunset = PostTransitions.Release(Claimed(limited, nextDay), nextDay, Holder, false, null, nextDay + Redispatch,
            hold: PostHolds.Misconfigured(Sunset, nextDay, null))!;
        var refused = Assert.IsType<PostHeld>(Assert.Single(sunset.Events));
        Assert.Equal((PostHoldReason.LinkedInVersionRefused, (DateTimeOffset?)null), (refused.Reason, refused.Until));
        Assert.Contains("Publishing:LinkedInVersion", refused.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_transient_failure_during_a_recheck_keeps_the_hold_so_the_same_hold_after_it_is_not_announced_again()
    {
        var sunset = PostTransitions.Release(Claimed(), The.Now, Holder, false, null, The.Now + Redispatch, hold: PostHolds.Misconfigured(Sunset, The.Now, null))!
            .Next with
        { Version = 3 };
        var later = The.Now + Redispatch;

        var transient = PostTransitions.Release(Claimed(sunset, later), later, Holder, false, new PostError(FailureClass.Transient, "503", later), later + Redispatch)!;
        Assert.Empty(transient.Events);
        Assert.Equal(sunset.Hold, transient.Next.Hold);

        var stillRefused = PostTransitions.Release(Claimed(transient.Next with { Version = 5 }, later + Redispatch), later + Redispatch, Holder, false, null,
            later + 2 * Redispatch, hold: PostHolds.Misconfigured(Sunset, later + Redispatch, null))!;
        Assert.Empty(stillRefused.Events);
    }

    [Fact]
    public void A_reconnect_ends_the_reauthorization_hold_so_a_second_revocation_is_a_new_hold()
    {
        var waiting = PostTransitions.AwaitReauth(Claimed(), The.Now, Holder, connectionVersion: 5)!.Next with { Version = 3 };
        var reconnected = Some.Connection() with { Version = 6 };

        var resumed = PostTransitions.Resume(waiting, The.Now, waitedFor: 5, Redispatch)!.Next;
        Assert.Null(resumed.Hold);
        var claimedAgain = Claimed(waiting, The.Now.AddMinutes(5), reconnected);
        Assert.Null(claimedAgain.Hold);

        var revokedAgain = PostTransitions.AwaitReauth(claimedAgain, The.Now.AddMinutes(5), Holder, connectionVersion: 7)!;
        Assert.IsType<PostHeld>(Assert.Single(revokedAgain.Events));
    }

    [Fact]
    public void The_outcome_after_a_hold_is_the_usual_one_and_clears_the_hold()
    {
        var limited = RateLimited(Claimed(), The.Now, Throttled).Next with { Version = 3 };
        var claimed = Claimed(limited, Midnight.AddMinutes(1));
        Assert.NotNull(claimed.Hold);

        var published = PostTransitions.Publish(claimed, Midnight.AddMinutes(1), Holder, "urn:li:share:9")!;

        Assert.IsType<PostPublished>(Assert.Single(published.Events));
        Assert.Null(published.Next.Hold);
    }
}
