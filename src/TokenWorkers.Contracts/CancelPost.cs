namespace TokenWorkers.Contracts;

/// <summary>
/// Cancel a post that has not gone out: a scheduled one, or one waiting (for a re-authorization, a rate limit). Answered
/// with <see cref="PostCancelled"/>, or, when it is too late (published, failed, or being published right now), with
/// the post's own outcome. Sending it twice is harmless.
/// </summary>
public sealed record CancelPost
{
    /// <summary>The <see cref="PublishPost.PostId"/> of the post to cancel.</summary>
    public required string PostId { get; init; }

    /// <summary>The sender's tenant; when given, a post through another tenant's connection is not touched.</summary>
    public string? TenantId { get; init; }

    /// <summary>Why, for people (at most 500 characters); carried by <see cref="PostCancelled"/>.</summary>
    public string? Reason { get; init; }
}
