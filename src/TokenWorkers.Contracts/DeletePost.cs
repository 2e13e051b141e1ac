namespace TokenWorkers.Contracts;

/// <summary>
/// Delete a post from LinkedIn: one the worker published (by <see cref="PostId"/>), or one made elsewhere (by
/// <see cref="PostUrn"/> and the <see cref="ConnectionId"/> of its author). Answered with <see cref="PostDeleted"/>. Sending
/// it twice is not an error: the second is answered with the same <see cref="PostDeleted"/> and LinkedIn is not called again
/// for a post the worker already recorded as deleted. A command the worker cannot carry out (an unknown post, another
/// tenant's, one not published yet: use <see cref="CancelPost"/> for that, a malformed URN) goes to the <c>delete-post_error</c>
/// queue with the reason, and nothing is sent to LinkedIn.
/// </summary>
public sealed record DeletePost
{
    /// <summary>The <see cref="PublishPost.PostId"/> of a post the worker published; or null with <see cref="PostUrn"/>.</summary>
    public string? PostId { get; init; }

    /// <summary>
    /// The URN of a post made elsewhere (<c>urn:li:share:{digits}</c> or <c>urn:li:ugcPost:{digits}</c>), with
    /// <see cref="ConnectionId"/>; or null with <see cref="PostId"/>. Not both.
    /// </summary>
    public string? PostUrn { get; init; }

    /// <summary>The connection whose member authored the post; required with <see cref="PostUrn"/>, ignored with <see cref="PostId"/>.</summary>
    public string? ConnectionId { get; init; }

    /// <summary>
    /// The sender's tenant. When given, a post or connection of another tenant is refused (as if it did not exist); required
    /// when the worker sets <c>Publishing:RequireTenantId</c>.
    /// </summary>
    public string? TenantId { get; init; }
}
