using System.Text.Json.Serialization;
using TokenWorkers.Contracts.Serialization;

namespace TokenWorkers.Contracts;

/// <summary>
/// Publish a post on LinkedIn as the member of a connection (or as a Company Page the member may post for, see <see cref="Author"/>). Send it once; resending the same
/// <see cref="PostId"/> never posts twice: the worker answers with the outcome it already reached.
/// The outcome arrives as <see cref="PostPublished"/> or <see cref="PostFailed"/> (or <see cref="PostCancelled"/> for a
/// scheduled post cancelled with <see cref="CancelPost"/>).
/// </summary>
public sealed record PublishPost
{
    /// <summary>
    /// Chosen by the sender, unique per post: the idempotency key. LinkedIn has none, so this id is what
    /// stands between a redelivered message and a duplicate post.
    /// </summary>
    public required string PostId { get; init; }

    /// <summary>The connection whose member authors the post.</summary>
    public required string ConnectionId { get; init; }

    /// <summary>
    /// The tenant the connection belongs to, as the sender knows it. When given, a connection of another tenant is refused
    /// (<see cref="PostFailed"/>, nothing sent); required when the worker sets <c>Publishing:RequireTenantId</c>.
    /// </summary>
    public string? TenantId { get; init; }

    /// <summary>
    /// Who the post is by: null (the default) or the member's own <c>urn:li:person:…</c> for the connection's member, or
    /// <c>urn:li:organization:{digits}</c> for a Company Page. Posting as a page needs the <c>w_organization_social</c> scope
    /// in the connection's grant and an APPROVED page role that may post (ADMINISTRATOR, DIRECT_SPONSORED_CONTENT_POSTER or
    /// CONTENT_ADMINISTRATOR); without them the worker answers <see cref="PostFailed"/> with
    /// <see cref="FailureClass.Permission"/> and calls nothing. Any other value is refused as an invalid message.
    /// </summary>
    public string? Author { get; init; }

    /// <summary>The post's text, plain (no markup), at most 3,000 Unicode code points and not blank.</summary>
    public required string Text { get; init; }

    /// <summary>Who may see the post.</summary>
    public PostVisibility Visibility { get; init; } = PostVisibility.Public;

    /// <summary>An absolute http(s) URL to share as an article card; null for a text-only post. Not together with <see cref="Images"/>.</summary>
    public Uri? ArticleUrl { get; init; }

    /// <summary>The article card's title; used only with <see cref="ArticleUrl"/>.</summary>
    public string? ArticleTitle { get; init; }

    /// <summary>The article card's description; used only with <see cref="ArticleUrl"/>.</summary>
    public string? ArticleDescription { get; init; }

    /// <summary>
    /// Images to attach, by reference (never the bytes): 1 for a single-image post, 2 to 20 for a multi-image post; null or
    /// empty for none. Not together with <see cref="ArticleUrl"/>. The worker uploads them to LinkedIn as the post's author,
    /// waits until LinkedIn has processed each, and only then creates the post. See <see cref="PostImage"/>.
    /// </summary>
    public IReadOnlyList<PostImage>? Images { get; init; }

    /// <summary>
    /// When to publish; null (or a time already past) publishes now. A later time holds the post in the worker's ledger,
    /// announced once with <see cref="PostScheduled"/>, until then; <see cref="CancelPost"/> cancels it before then. At
    /// most the worker's <c>Publishing:MaxScheduleAhead</c> (one year by default) ahead.
    /// </summary>
    public DateTimeOffset? PublishAt { get; init; }
}

/// <summary>Who may see a post.</summary>
[JsonConverter(typeof(EnumNameConverter<PostVisibility>))]
public enum PostVisibility
{
    /// <summary>Anyone on LinkedIn (LinkedIn's <c>PUBLIC</c>).</summary>
    Public = 1,

    /// <summary>The member's 1st-degree connections only (LinkedIn's <c>CONNECTIONS</c>).</summary>
    Connections = 2,
}
