using TokenWorkers.Connections;

namespace TokenWorkers.Ports;

/// <summary>
/// LinkedIn's token endpoints, as the core sees them: protocol answers come back as <see cref="TokenResult"/> values and
/// only transport faults that a retry may cure throw (<see cref="LinkedInTransportException"/>). Every call names the app
/// (<see cref="ILinkedInApps"/>) whose client credentials it uses; an app not configured answers a
/// <see cref="Contracts.FailureClass.Configuration"/> failure.
/// </summary>
public interface ILinkedInOAuth
{
    /// <summary>Where to send a member's browser to authorize the app: LinkedIn's authorization page for this request.</summary>
    Uri AuthorizationUrl(string app, Uri redirectUri, string state, string scopes);

    /// <summary>The refresh-token grant.</summary>
    Task<TokenResult> RefreshAsync(string app, SecretToken refreshToken, CancellationToken cancellationToken);

    /// <summary>The authorization-code grant of the connect flow.</summary>
    Task<TokenResult> ExchangeCodeAsync(string app, string code, Uri redirectUri, CancellationToken cancellationToken);

    /// <summary>What LinkedIn's introspection says of a token: <see cref="TokenIntrospected"/>, or why it would not say.</summary>
    Task<TokenResult> IntrospectAsync(string app, SecretToken token, CancellationToken cancellationToken);

    /// <summary>Revokes a token (and with it the member's grant); null when LinkedIn accepted it, otherwise why not.</summary>
    Task<TokenFailed?> RevokeAsync(string app, SecretToken token, CancellationToken cancellationToken);
}

/// <summary>
/// LinkedIn's REST API as the member: who signed in, and creating and deleting a post. Protocol answers are <see cref="ApiResult"/>
/// values; a fault before the request was sent throws; a fault after it was sent is <see cref="PostAnswerLost"/>.
/// </summary>
public interface ILinkedInApi
{
    /// <summary>The longest one call may take before it is given up: what a post claim must cover.</summary>
    TimeSpan RequestTimeout { get; }

    Task<ApiResult> GetMemberAsync(SecretToken accessToken, CancellationToken cancellationToken);

    /// <summary>
    /// The member's APPROVED page roles (<c>organizationAcls?q=roleAssignee&amp;state=APPROVED</c>): <see cref="OrganizationRolesFound"/>
    /// or a refusal. Reading changes nothing, so a call that got no answer throws <see cref="LinkedInTransportException"/> (retry it).
    /// </summary>
    Task<ApiResult> GetOrganizationRolesAsync(SecretToken accessToken, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the post as <paramref name="authorUrn"/> with <paramref name="images"/> attached (processed images owned by the author;
    /// empty for a post without images).
    /// </summary>
    Task<ApiResult> CreatePostAsync(
        SecretToken accessToken, string authorUrn, Posts.PostContent content, IReadOnlyList<ReadyImage> images, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the post <paramref name="postUrn"/>: <see cref="PostRemoved"/>, <see cref="PostNotFound"/> or a refusal. Deleting
    /// is idempotent at LinkedIn, so a call that got no answer throws <see cref="LinkedInTransportException"/> (retry it).
    /// </summary>
    Task<ApiResult> DeletePostAsync(SecretToken accessToken, string postUrn, CancellationToken cancellationToken);
}
