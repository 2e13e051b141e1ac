using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Posts;

/// <summary>The steps the public transitions share: holding a post, stopping one that cannot be settled, finishing one.</summary>
public static partial class PostTransitions
{
    /// <summary>
    /// <paramref name="next"/> held by <paramref name="hold"/>: announced with PostHeld when it is a new hold, silently when
    /// <paramref name="e"/> was already under the same one (a redelivery or a re-check), which keeps its first announcement.
    /// </summary>
    private static Change<PostEntry> Held(PostEntry e, PostEntry next, PostHold hold)
    {
        if (hold.SameAs(e.Hold))
        {
            return new(next with { Hold = e.Hold });
        }

        var held = next with { Hold = hold };
        return new(held, PostEvents.Held(held with { Version = e.Version + 1 }));
    }

    private static Change<PostEntry> StopUnresolved(PostEntry e, DateTimeOffset now, TimeSpan settleWithin)
    {
        var reason = $"A call to create this post was sent at {e.UncertainSince:u} and its answer was lost; it was not settled within " +
                     $"{settleWithin:c}, and sending it again now could post it twice (LinkedIn's duplicate check has an undocumented window). " +
                     "Check the member's profile and resolve it through the admin API.";
        var stopped = e with
        {
            State = PostState.OutcomeUnknown,
            Claim = null,
            Hold = null,
            NotBefore = null,
            LastError = new PostError(FailureClass.Transient, reason, now),
            UpdatedAt = now,
        };
        return new(stopped, PostEvents.OutcomeUnknown(stopped with { Version = e.Version + 1 }));
    }

    private static Change<PostEntry>? Finish(PostEntry e, DateTimeOffset now, string holder, PostState state, string? urn, PostError? error)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Claim?.Holder != holder)
        {
            return null;
        }

        var finished = e with { State = state, Urn = urn, LastError = error ?? e.LastError, Claim = null, NotBefore = null, Hold = null, UpdatedAt = now };
        // Events carry the version the write produces, as every announcement of this outcome will.
        return new(finished, Outcome(finished with { Version = e.Version + 1 })!);
    }
}
