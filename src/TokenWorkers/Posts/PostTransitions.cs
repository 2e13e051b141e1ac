using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Posts;

/// <summary>
/// Every state change of a post entry, as pure functions of the entry, the time and the inputs, returning the next
/// entry and its events (null when nothing should change). Terminal outcomes raise PostPublished or PostFailed into the
/// entry's own outbox, in the same write, so an outcome is never stored without its event.
/// </summary>
public static partial class PostTransitions
{
    /// <summary>
    /// The first state of a post: received and waiting for its dispatch; scheduled until <paramref name="publishAt"/> when that
    /// is later than now (announced with PostScheduled); or failed at once when <paramref name="invalid"/> or scheduled further
    /// ahead than <paramref name="maxAhead"/>. <paramref name="images"/> start <see cref="ImageStage.Pending"/>.
    /// </summary>
    public static Change<PostEntry> Record(
        string postId, string connectionId, PostContent content, DateTimeOffset now, TimeSpan redispatchAfter, string? invalid,
        DateTimeOffset? publishAt = null, TimeSpan? maxAhead = null, IReadOnlyList<ImageUpload>? images = null)
    {
        if (invalid is null && publishAt is { } late && maxAhead is { } limit && late - now > limit)
        {
            invalid = $"PublishAt {late:O} is more than {limit.TotalDays:0} days ahead (Publishing:MaxScheduleAhead).";
        }

        publishAt = publishAt.ToStoredPrecision();
        var scheduled = invalid is null && publishAt > now;
        var entry = new PostEntry
        {
            PostId = postId,
            ConnectionId = connectionId,
            Content = content,
            Images = images ?? [],
            PublishAt = publishAt,
            State = invalid is not null ? PostState.Failed : scheduled ? PostState.Scheduled : PostState.Received,
            LastError = invalid is null ? null : new PostError(FailureClass.Invalid, invalid, now),
            NotBefore = invalid is not null ? null : scheduled ? publishAt : now + redispatchAfter,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 0,
        };
        return invalid is not null ? new(entry, PostEvents.Failed(entry with { Version = 1 }))
            : scheduled ? new(entry, PostEvents.Scheduled(entry with { Version = 1 }))
            : new(entry);
    }

    /// <summary>
    /// Cancels a post nothing has been sent for: scheduled, received, or waiting for a re-authorization. Null when it is too
    /// late (finished, being published, or a call's outcome is unknown: LinkedIn may have posted it) or it is cancelled.
    /// </summary>
    public static Change<PostEntry>? Cancel(PostEntry e, DateTimeOffset now, string? reason)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.State is not (PostState.Scheduled or PostState.Received or PostState.AwaitingReauth) || MayHaveReachedLinkedIn(e))
        {
            return null;
        }

        var cancelled = e with { State = PostState.Cancelled, CancelReason = reason, Claim = null, NotBefore = null, Hold = null, UpdatedAt = now };
        return new(cancelled, PostEvents.Cancelled(cancelled with { Version = e.Version + 1 }));
    }

    /// <summary>
    /// Records that LinkedIn no longer has the published post (it answered the delete), announced with PostDeleted carrying
    /// <paramref name="tenantId"/>. Null unless the post is published: a deleted one stays as first deleted.
    /// </summary>
    public static Change<PostEntry>? Delete(PostEntry e, DateTimeOffset now, string? tenantId)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.State != PostState.Published)
        {
            return null;
        }

        var deleted = e with { State = PostState.Deleted, TenantId = tenantId, Claim = null, NotBefore = null, Hold = null, UpdatedAt = now };
        return new(deleted, PostEvents.Deleted(deleted with { Version = e.Version + 1 }));
    }

    /// <summary>An earlier call may have reached LinkedIn: a dropped answer, a claim that ran out, a 5xx.</summary>
    public static bool MayHaveReachedLinkedIn(PostEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.State is PostState.Unknown or PostState.Publishing || e.Attempts > 0;
    }

    /// <summary>
    /// Claims the post for one call to LinkedIn. Null when it is finished, claimed by a live holder, or waiting for a
    /// re-authorization that has not happened (<paramref name="connection"/> not active at a newer version). A post whose
    /// first unanswered call is older than <paramref name="settleWithin"/> is not claimed but stopped as
    /// <see cref="PostState.OutcomeUnknown"/>: a settling resend that late could post it twice.
    /// </summary>
    public static Change<PostEntry>? Claim(
        PostEntry e, DateTimeOffset now, string holder, TimeSpan claimFor, TimeSpan redispatchAfter, Connection? connection,
        TimeSpan settleWithin)
    {
        ArgumentNullException.ThrowIfNull(e);
        switch (e.State)
        {
            case PostState.Published or PostState.Failed or PostState.OutcomeUnknown or PostState.Cancelled or PostState.Deleted:
                return null;
            case PostState.Scheduled when e.PublishAt > now:
                return null;
            case PostState.Publishing when e.Claim is { } claim && claim.Until > now:
                return null;
            case PostState.AwaitingReauth when connection is not { Status: ConnectionStatus.Active } c || c.Version <= e.AwaitingConnectionVersion:
                return null;
            case PostState.Received when e.Hold is { Reason: PostHoldReason.DailyLimit, Until: { } resets } && resets > now:
                // A resend before LinkedIn's daily limit resets could only meet the same 429, and the call would count too.
                return null;
        }

        // A claim that lapsed while publishing: its holder died or hung mid-call, so that call's answer is lost.
        var uncertainSince = e.State == PostState.Publishing ? e.UncertainSince ?? e.AttemptStartedAt ?? e.UpdatedAt : e.UncertainSince;
        if (uncertainSince is { } since && now - since > settleWithin)
        {
            return StopUnresolved(e with { UncertainSince = since }, now, settleWithin);
        }

        return new(e with
        {
            State = PostState.Publishing,
            Claim = new Lease(holder, now + claimFor),
            Attempts = e.Attempts + 1,
            AttemptStartedAt = now,
            UncertainSince = uncertainSince,
            AwaitingConnectionVersion = null,
            NotBefore = now + redispatchAfter,
            // The member reconnected: that hold is over. Other holds stay until the attempt shows whether they still hold.
            Hold = e.State == PostState.AwaitingReauth ? null : e.Hold,
            UpdatedAt = now,
        });
    }

    /// <summary>
    /// Extends <paramref name="holder"/>'s claim to <paramref name="claimFor"/> from now, before a call that must not outlive
    /// it. Null when the claim is no longer theirs: someone took the post over, and this holder must not call LinkedIn.
    /// </summary>
    public static Change<PostEntry>? RenewClaim(PostEntry e, DateTimeOffset now, string holder, TimeSpan claimFor)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.State != PostState.Publishing || e.Claim?.Holder != holder
            ? null
            : new(e with { Claim = new Lease(holder, now + claimFor), UpdatedAt = now });
    }

    /// <summary>On LinkedIn as <paramref name="urn"/> (created now, or found to be an earlier call's post).</summary>
    public static Change<PostEntry>? Publish(PostEntry e, DateTimeOffset now, string holder, string urn) =>
        Finish(e, now, holder, PostState.Published, urn, null);

    /// <summary>Refused for good: PostFailed with <paramref name="error"/>.</summary>
    public static Change<PostEntry>? Fail(PostEntry e, DateTimeOffset now, string holder, PostError error) =>
        Finish(e, now, holder, PostState.Failed, null, error);

    /// <summary>
    /// The connection needs the member to log in again: wait for a newer active version of it, announced with PostHeld
    /// (carrying <paramref name="tenantId"/>, the connection's tenant) unless this hold was already announced.
    /// </summary>
    public static Change<PostEntry>? AwaitReauth(PostEntry e, DateTimeOffset now, string holder, long connectionVersion, string? tenantId = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Claim?.Holder != holder)
        {
            return null;
        }

        const string why = "The connection needs the member to log in again.";
        return Held(e, e with
        {
            State = PostState.AwaitingReauth,
            AwaitingConnectionVersion = connectionVersion,
            LastError = new PostError(FailureClass.Reauth, why, now),
            Claim = null,
            NotBefore = null,
            UpdatedAt = now,
        }, new PostHold(PostHoldReason.AwaitingReauthorization, why + " The post goes out once they reconnect.", null, now, tenantId));
    }

    /// <summary>
    /// Gives the claim back for a later attempt at <paramref name="notBefore"/>: Unknown when any call may have reached
    /// LinkedIn (<paramref name="uncertain"/>), Received otherwise. <paramref name="answerLost"/> says this call was sent
    /// and its answer lost, which starts the settle window if no earlier call did. With <paramref name="hold"/> (a daily limit,
    /// a refused configuration) the post is held, announced with PostHeld unless the same hold already was; without, a hold
    /// announced before stays: a transient failure does not show that it is over.
    /// </summary>
    public static Change<PostEntry>? Release(
        PostEntry e, DateTimeOffset now, string holder, bool uncertain, PostError? error, DateTimeOffset notBefore, bool answerLost = false,
        PostHold? hold = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Claim?.Holder != holder)
        {
            return null;
        }

        var released = e with
        {
            State = uncertain ? PostState.Unknown : PostState.Received,
            Claim = null,
            LastError = error ?? e.LastError,
            NotBefore = notBefore,
            UncertainSince = answerLost ? e.UncertainSince ?? e.AttemptStartedAt ?? now : e.UncertainSince,
            UpdatedAt = now,
        };
        return hold is null ? new(released) : Held(e, released, hold);
    }

    /// <summary>The resumption scan dispatches a post whose NotBefore passed, and moves NotBefore on so it is dispatched once.</summary>
    public static Change<PostEntry>? Redispatch(PostEntry e, DateTimeOffset now, TimeSpan redispatchAfter)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.IsFinished || e.NotBefore is not { } at || at > now
            ? null
            : new(e with { NotBefore = now + redispatchAfter, UpdatedAt = now });
    }

    /// <summary>A post waiting since connection version <paramref name="waitedFor"/> resumes once the connection is active again.</summary>
    public static Change<PostEntry>? Resume(PostEntry e, DateTimeOffset now, long? waitedFor, TimeSpan redispatchAfter)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.State != PostState.AwaitingReauth || e.AwaitingConnectionVersion != waitedFor
            ? null
            : new(e with { State = PostState.Received, NotBefore = now + redispatchAfter, Hold = null, UpdatedAt = now });
    }

    /// <summary>The terminal event of a finished entry, with the id it was first announced with; null while unfinished.</summary>
    public static object? Outcome(PostEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.State switch
        {
            PostState.Published => PostEvents.Published(e),
            PostState.Failed => PostEvents.Failed(e),
            PostState.OutcomeUnknown => PostEvents.OutcomeUnknown(e),
            PostState.Cancelled => PostEvents.Cancelled(e),
            PostState.Deleted => PostEvents.Deleted(e),
            _ => null,
        };
    }
}
