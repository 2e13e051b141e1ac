using System.Text.Json.Serialization;
using TokenWorkers.Contracts.Serialization;

namespace TokenWorkers.Contracts;

/// <summary>Why a post is held (<see cref="PostHeld"/>).</summary>
[JsonConverter(typeof(EnumNameConverter<PostHoldReason>))]
public enum PostHoldReason
{
    /// <summary>
    /// The connection needs the member to log in again (LinkedIn refused its grant). The post goes out once the member
    /// reconnects; until then it waits, with no time limit.
    /// </summary>
    AwaitingReauthorization = 1,

    /// <summary>LinkedIn answered 429: the daily limit of its posting calls is reached. Tried again when it resets (<see cref="PostHeld.Until"/>).</summary>
    DailyLimit = 2,

    /// <summary>
    /// LinkedIn no longer serves the <c>LinkedIn-Version</c> the worker is configured with (HTTP 426). Nothing is wrong with the
    /// post: it goes out once an operator sets a version LinkedIn serves.
    /// </summary>
    LinkedInVersionRefused = 3,

    /// <summary>LinkedIn refused another part of the worker's configuration; it goes out once an operator fixes it.</summary>
    Configuration = 4,
}
