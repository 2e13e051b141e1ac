namespace TokenWorkers.Sandbox;

/// <summary>A post the sandbox created.</summary>
/// <param name="Urn">The share URN returned to the caller (<c>urn:li:share:</c> and 19 digits).</param>
/// <param name="Endpoint">The endpoint that created it.</param>
/// <param name="Author">The author URN.</param>
/// <param name="Text">The commentary as sent.</param>
/// <param name="ArticleUrl">The shared article's URL, for article posts.</param>
/// <param name="ClientId">The app that posted.</param>
/// <param name="GrantId">The grant whose token was used.</param>
/// <param name="CreatedAt">The sandbox clock at creation.</param>
/// <param name="DeletedAt">The sandbox clock when its author deleted it (<c>DELETE /v2/ugcPosts/{urn}</c> or <c>/rest/posts/{urn}</c>); null while it is up.</param>
public sealed record SandboxPost(
    string Urn,
    SandboxEndpoint Endpoint,
    string Author,
    string Text,
    string? ArticleUrl,
    string ClientId,
    string GrantId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeletedAt = null)
{
    /// <summary>The images the post carries, in order (<c>content.media</c>, <c>content.multiImage</c> or ugcPosts' IMAGE media).</summary>
    public IReadOnlyList<SandboxPostImage> Images { get; init; } = [];

    /// <summary>
    /// True when the post was accepted while one of its images was not yet <c>AVAILABLE</c> and
    /// <see cref="SandboxSettings.UnavailableImagePosts"/> is <c>AcceptHidden</c>: LinkedIn was reported to create such posts and never show them.
    /// </summary>
    public bool Hidden { get; init; }
}
