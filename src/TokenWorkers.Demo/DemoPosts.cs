using TokenWorkers.Contracts;

namespace TokenWorkers.Demo;

/// <summary>
/// What the demo posts, as another service would send it. PostIds are fixed, so a restart of the demo resends the same
/// posts and nothing is posted twice. A new kind of post is one more entry in <see cref="Now"/> (or one more step in
/// <see cref="DemoPoster"/> if it needs an answer first).
/// </summary>
public static class DemoPosts
{
    /// <summary>The demo's Company Page (the sandbox seeds it, with demo-alice as its APPROVED ADMINISTRATOR).</summary>
    public const long PageId = 90210001;

    public const string PageName = "TokenWorkers Demo Co.";

    public const string PageUrn = "urn:li:organization:90210001";

    /// <summary>The connection that posts for the page; its grant carries <c>w_organization_social</c>.</summary>
    public const string PagePoster = "demo-alice";

    public const string PagePostId = "demo-post-page-1";
    public const string ScheduledPostId = "demo-post-scheduled-1";
    public const string CancelledPostId = "demo-post-cancelled-1";
    public const string DeletedPostId = "demo-post-deleted-1";
    public const string ImagePostId = "demo-post-image-1";

    /// <summary>A 1×1 PNG: what the demo puts in the worker's message-data repository, as a sender sharing it would.</summary>
    public static ReadOnlyMemory<byte> Png { get; } =
        Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    /// <summary>A post with one image by reference (<paramref name="image"/>: its message-data address): uploaded, processed, then posted.</summary>
    public static PublishPost WithImage(Uri image) => new()
    {
        PostId = ImagePostId,
        ConnectionId = "demo-bob",
        Text = "A picture is worth a thousand tokens: this image was uploaded to LinkedIn before the post went out.",
        Images = [new PostImage { Data = image, AltText = "A single pixel, the demo's smallest photo" }],
    };

    /// <summary>Sent at start, in this order.</summary>
    public static IReadOnlyList<PublishPost> Now { get; } =
    [
        new() { PostId = "demo-post-alice-1", ConnectionId = "demo-alice", Text = "Hello from TokenWorkers: this post went out with a token kept alive for me." },
        new()
        {
            PostId = "demo-post-bob-1", ConnectionId = "demo-bob", Text = "Worth a read.", Visibility = PostVisibility.Connections,
            ArticleUrl = new Uri("https://example.com/keeping-oauth-tokens-alive"), ArticleTitle = "Keeping OAuth tokens alive",
            ArticleDescription = "Refresh early, lease by compare-and-swap, never post twice.",
        },
        new() { PostId = "demo-post-alice-1", ConnectionId = "demo-alice", Text = "Hello from TokenWorkers: this post went out with a token kept alive for me." },
        new() { PostId = "demo-post-carol-1", ConnectionId = "demo-carol", Text = "Carol revoked access; this waits until she reconnects." },
        new() { PostId = "demo-post-empty", ConnectionId = "demo-alice", Text = "   " },
        new() { PostId = PagePostId, ConnectionId = PagePoster, Author = PageUrn, Text = "News from TokenWorkers Demo Co.: this post is by the page, not by Alice." },
        new() { PostId = DeletedPostId, ConnectionId = "demo-alice", Text = "A typo in this post: the demo deletes it once it is out." },
    ];

    /// <summary>Goes out <see cref="DemoOptions.ScheduleLead"/> after the demo starts, through the worker's normal path.</summary>
    public static PublishPost Scheduled(DateTimeOffset publishAt) => new()
    {
        PostId = ScheduledPostId,
        ConnectionId = "demo-alice",
        Text = "Scheduled ahead of time: this post waited in the worker's ledger until now.",
        PublishAt = publishAt,
    };

    /// <summary>Scheduled like <see cref="Scheduled"/>, then cancelled with <c>CancelPost</c>: it never reaches LinkedIn.</summary>
    public static PublishPost Cancelled(DateTimeOffset publishAt) => new()
    {
        PostId = CancelledPostId,
        ConnectionId = "demo-alice",
        Text = "Second thoughts: the demo cancels this post before it goes out.",
        PublishAt = publishAt,
    };

    /// <summary>Who a post is by, as its sender knows it: the page for page posts, else the connection's member.</summary>
    public static string AuthorOf(string postId, string connectionId) =>
        Now.FirstOrDefault(p => p.PostId == postId)?.Author ?? $"{connectionId}'s member";
}
