using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Posts;

/// <summary>
/// The posting events of a finished entry. A finished entry is never written again, so its events keep their
/// ids whenever they are re-emitted (for a resent command).
/// </summary>
public static class PostEvents
{
    public static Uri PublicUrl(string urn) => new($"https://www.linkedin.com/feed/update/{urn}");

    public static PostPublished Published(PostEntry entry) => new()
    {
        EventId = EventIds.For("post:" + entry.PostId, entry.Version, nameof(PostPublished)),
        PostId = entry.PostId,
        ConnectionId = entry.ConnectionId,
        Version = entry.Version,
        OccurredAt = entry.UpdatedAt,
        Urn = entry.Urn!,
        Url = PublicUrl(entry.Urn!),
    };

    public static PostFailed Failed(PostEntry entry) => new()
    {
        EventId = EventIds.For("post:" + entry.PostId, entry.Version, nameof(PostFailed)),
        PostId = entry.PostId,
        ConnectionId = entry.ConnectionId,
        Version = entry.Version,
        OccurredAt = entry.UpdatedAt,
        FailureClass = entry.LastError?.Class ?? FailureClass.Invalid,
        Reason = entry.LastError?.Message ?? "Refused.",
        CanResend = entry.LastError?.Class is FailureClass.Permission,
    };

    public static PostScheduled Scheduled(PostEntry entry) => new()
    {
        EventId = EventIds.For("post:" + entry.PostId, entry.Version, nameof(PostScheduled)),
        PostId = entry.PostId,
        ConnectionId = entry.ConnectionId,
        Version = entry.Version,
        OccurredAt = entry.UpdatedAt,
        PublishAt = entry.PublishAt!.Value.ToUniversalTime(),
    };

    public static PostHeld Held(PostEntry entry) => new()
    {
        EventId = EventIds.For("post:" + entry.PostId, entry.Version, nameof(PostHeld)),
        PostId = entry.PostId,
        ConnectionId = entry.ConnectionId,
        TenantId = entry.Hold!.TenantId,
        Version = entry.Version,
        OccurredAt = entry.UpdatedAt,
        Reason = entry.Hold.Reason,
        Description = entry.Hold.Description,
        Until = entry.Hold.Until?.ToUniversalTime(),
    };

    public static PostCancelled Cancelled(PostEntry entry) => new()
    {
        EventId = EventIds.For("post:" + entry.PostId, entry.Version, nameof(PostCancelled)),
        PostId = entry.PostId,
        ConnectionId = entry.ConnectionId,
        Version = entry.Version,
        OccurredAt = entry.UpdatedAt,
        Reason = entry.CancelReason,
    };

    public static PostDeleted Deleted(PostEntry entry) => new()
    {
        EventId = EventIds.For("post:" + entry.PostId, entry.Version, nameof(PostDeleted)),
        PostId = entry.PostId,
        Urn = entry.Urn!,
        ConnectionId = entry.ConnectionId,
        TenantId = entry.TenantId,
        Version = entry.Version,
        OccurredAt = entry.UpdatedAt,
    };

    /// <summary>
    /// The deletion of a post the ledger does not hold (one made elsewhere, deleted by URN). Its id is derived from the URN
    /// alone, so deleting it again, by any command, announces the same id.
    /// </summary>
    public static PostDeleted DeletedByUrn(string urn, string connectionId, string? tenantId, DateTimeOffset now) => new()
    {
        EventId = EventIds.For("post-urn:" + urn, 0, nameof(PostDeleted)),
        PostId = null,
        Urn = urn,
        ConnectionId = connectionId,
        TenantId = tenantId,
        Version = 0,
        OccurredAt = now,
    };

    public static PostOutcomeUnknown OutcomeUnknown(PostEntry entry) => new()
    {
        EventId = EventIds.For("post:" + entry.PostId, entry.Version, nameof(PostOutcomeUnknown)),
        PostId = entry.PostId,
        ConnectionId = entry.ConnectionId,
        Version = entry.Version,
        OccurredAt = entry.UpdatedAt,
        FirstUncertainAt = entry.UncertainSince ?? entry.UpdatedAt,
        Reason = entry.LastError?.Message ?? "The outcome of a call to LinkedIn is unknown.",
    };

    /// <summary>
    /// The refusal of a PostId sent again with other content or for another connection. Not stored (the entry is the first
    /// post's); its id is derived from the refused command, so a redelivery of that command is recognised as a duplicate.
    /// </summary>
    public static PostFailed Reused(PostEntry entry, string connectionId, PostContent content, DateTimeOffset? publishAt = null) => new()
    {
        EventId = EventIds.For(
            "post:" + entry.PostId + ":reused:" + Fingerprints.Of(
                $"{connectionId}\n{content.Text}\n{content.Visibility}\n{content.ArticleUrl}\n{content.ArticleTitle}\n{content.ArticleDescription}" +
                (publishAt is { } at ? $"\n{at.ToStoredPrecision():O}" : "")),
            entry.Version,
            nameof(PostFailed)),
        PostId = entry.PostId,
        ConnectionId = connectionId,
        Version = entry.Version,
        OccurredAt = entry.UpdatedAt,
        FailureClass = FailureClass.Invalid,
        Reason = "PostId already used for different content or another connection; nothing was sent. Send this post with a new PostId.",
        CanResend = true,
    };

    /// <summary>The command again, from the ledger's snapshot, for the resumption scan.</summary>
    public static PublishPost Command(PostEntry entry) => new()
    {
        PostId = entry.PostId,
        ConnectionId = entry.ConnectionId,
        Text = entry.Content.Text,
        Visibility = entry.Content.Visibility,
        ArticleUrl = entry.Content.ArticleUrl is { } url ? new Uri(url) : null,
        ArticleTitle = entry.Content.ArticleTitle,
        ArticleDescription = entry.Content.ArticleDescription,
        PublishAt = entry.PublishAt,
        // All of the content, or the publisher takes the resend for another post under the same PostId and refuses it.
        Author = entry.Content.Author,
        Images = entry.Images.Count == 0 ? null : [.. entry.Images.Select(i => i.Source == ImageSource.Url
            ? new PostImage { Url = new Uri(i.Reference, UriKind.Absolute), AltText = i.AltText }
            : new PostImage { Data = new Uri(i.Reference, UriKind.Absolute), AltText = i.AltText })],
    };
}
