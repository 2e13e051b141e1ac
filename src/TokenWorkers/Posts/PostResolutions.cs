using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Posts;

/// <summary>What an operator found about a post stopped as <see cref="PostState.OutcomeUnknown"/>.</summary>
public enum PostResolution
{
    /// <summary>It is on LinkedIn, with the URN the operator found: PostPublished.</summary>
    Published = 1,

    /// <summary>It is not on LinkedIn: send it again (the next resumption scan dispatches it).</summary>
    Retry = 2,

    /// <summary>Give it up: PostFailed.</summary>
    Abandon = 3,
}

/// <summary>The operator's resolutions of an unknown outcome, as pure transitions; null unless the post awaits one.</summary>
public static class PostResolutions
{
    public static Change<PostEntry>? Resolve(PostEntry e, DateTimeOffset now, PostResolution resolution, string? urn)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.State != PostState.OutcomeUnknown)
        {
            return null;
        }

        switch (resolution)
        {
            case PostResolution.Published:
                ArgumentException.ThrowIfNullOrWhiteSpace(urn);
                var published = e with { State = PostState.Published, Urn = urn, Claim = null, NotBefore = null, UpdatedAt = now };
                return new(published, PostEvents.Published(published with { Version = e.Version + 1 }));
            case PostResolution.Retry:
                // The operator looked and it is not there, so no earlier call is uncertain any more.
                return new(e with
                {
                    State = PostState.Received,
                    UncertainSince = null,
                    NotBefore = now,
                    LastError = new PostError(FailureClass.Transient, "An operator found it was not published; it is sent again.", now),
                    UpdatedAt = now,
                });
            case PostResolution.Abandon:
                var abandoned = e with
                {
                    State = PostState.Failed,
                    NotBefore = null,
                    LastError = new PostError(FailureClass.Invalid, "Abandoned by an operator after its outcome could not be known.", now),
                    UpdatedAt = now,
                };
                return new(abandoned, PostEvents.Failed(abandoned with { Version = e.Version + 1 }));
            default:
                throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "Unknown resolution.");
        }
    }
}
