using TokenWorkers.Contracts;
using TokenWorkers.Ports;
using TokenWorkers.Posts;

namespace TokenWorkers.Publishing;

/// <summary>The holds LinkedIn's answers put a post under, with the words its sender reads in PostHeld.</summary>
public static class PostHolds
{
    /// <summary>A 429: LinkedIn's limits are daily and reset at midnight UTC, when the post is tried again.</summary>
    public static PostHold DailyLimit(ApiRejected limited, DateTimeOffset now, string? tenantId)
    {
        ArgumentNullException.ThrowIfNull(limited);
        var until = limited.RetryAt ?? now;
        return new PostHold(PostHoldReason.DailyLimit,
            $"LinkedIn's daily limit is reached ({limited.Message}); the post is tried again when it resets at {until.ToUniversalTime():u}.",
            until, now, tenantId);
    }

    /// <summary>
    /// LinkedIn refuses the worker's configuration, not the post: a 426 for a LinkedIn-Version it no longer serves. The post is
    /// re-checked now and then, but only an operator can end this hold, so it has no time.
    /// </summary>
    public static PostHold Misconfigured(ApiRejected refused, DateTimeOffset now, string? tenantId)
    {
        ArgumentNullException.ThrowIfNull(refused);
        return refused.Status == 426
            ? new PostHold(PostHoldReason.LinkedInVersionRefused,
                $"LinkedIn no longer serves the worker's LinkedIn-Version ({refused.Message}); the post goes out once an operator sets " +
                "Publishing:LinkedInVersion to a version LinkedIn serves.", null, now, tenantId)
            : new PostHold(PostHoldReason.Configuration,
                $"LinkedIn refuses the worker's configuration ({refused.Message}); the post goes out once an operator fixes it.", null, now, tenantId);
    }
}
