using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Posts;

/// <summary>
/// One post in the posting ledger, keyed by the sender's PostId. Every write replaces it conditionally on
/// <see cref="Version"/>; see <see cref="IPostLedger"/>. It holds the command's content, so a post can be
/// resumed (after a rate limit or a reconnect) without the original message.
/// </summary>
public sealed record PostEntry : IVersionedAggregate<PostEntry>
{
    public required string PostId { get; init; }

    public required string ConnectionId { get; init; }

    /// <summary>The command as first received; a resend with the same PostId never changes it.</summary>
    public required PostContent Content { get; init; }

    public PostState State { get; init; } = PostState.Received;

    /// <summary>Calls to LinkedIn's posting endpoint started for this post.</summary>
    public int Attempts { get; init; }

    /// <summary>LinkedIn's URN once <see cref="PostState.Published"/>.</summary>
    public string? Urn { get; init; }

    /// <summary>The last failure, without any secret.</summary>
    public PostError? LastError { get; init; }

    /// <summary>
    /// When the resumption scan should dispatch this post again: after a rate limit resets, or as a safety
    /// net for a post whose message was lost. Null for finished posts and for posts awaiting re-authorization.
    /// </summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Who is calling LinkedIn for this post right now (state <see cref="PostState.Publishing"/>), and until when.</summary>
    public Lease? Claim { get; init; }

    /// <summary>When the current (or last) call's claim was taken: when that call was sent, give or take the token's refresh.</summary>
    public DateTimeOffset? AttemptStartedAt { get; init; }

    /// <summary>
    /// When the first call whose answer was lost was sent. A settling resend is only safe within LinkedIn's duplicate
    /// window measured from then (see <c>Publishing:SettleWithin</c>); null while every call's outcome is known.
    /// </summary>
    public DateTimeOffset? UncertainSince { get; init; }

    /// <summary>The time the sender asked to publish at (<see cref="PublishPost.PublishAt"/>), as given; null for "now".</summary>
    public DateTimeOffset? PublishAt { get; init; }

    /// <summary>Why the post was cancelled, as the canceller said (state <see cref="PostState.Cancelled"/>).</summary>
    public string? CancelReason { get; init; }

    /// <summary>
    /// The connection's tenant when the post was deleted (state <see cref="PostState.Deleted"/>), carried by every announcement
    /// of PostDeleted; null before. The ledger keeps no tenant otherwise: the connection says it.
    /// </summary>
    public string? TenantId { get; init; }

    /// <summary>The connection's version when the post began waiting for re-authorization; a newer active version resumes it.</summary>
    public long? AwaitingConnectionVersion { get; init; }

    /// <summary>
    /// Why the post cannot go out now, as announced with PostHeld; null while nothing holds it. Kept through the re-checks of a
    /// hold (a claim after the limit reset that meets the same limit), so the same hold is announced once.
    /// </summary>
    public PostHold? Hold { get; init; }

    /// <summary>The post's images in the sender's order, each with how far its upload got; empty for a post without images.</summary>
    public IReadOnlyList<ImageUpload> Images { get; init; } = [];

    /// <summary>Incremented by every write; every write is conditional on it.</summary>
    public long Version { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The outbox: the outcome events decided with a state change, published after the write and then removed.</summary>
    public IReadOnlyList<PendingEvent> PendingEvents { get; init; } = [];

    /// <inheritdoc />
    public Guid? WriteId { get; init; }

    /// <summary>No automatic step is left: published (or deleted since), failed, cancelled, or an outcome only an operator can resolve.</summary>
    public bool IsFinished => State is PostState.Published or PostState.Failed or PostState.OutcomeUnknown or PostState.Cancelled or PostState.Deleted;

    string IVersionedAggregate<PostEntry>.Id => PostId;

    public PostEntry WithPendingEvents(IReadOnlyList<PendingEvent> events) => this with { PendingEvents = events };

    public PostEntry WithWriteId(Guid writeId) => this with { WriteId = writeId };
}

/// <summary>The content of a <see cref="PublishPost"/>, as the ledger keeps it.</summary>
/// <param name="Author">The author the command named (<see cref="PublishPost.Author"/>); null for the connection's member.</param>
public sealed record PostContent(
    string Text,
    PostVisibility Visibility,
    string? ArticleUrl = null,
    string? ArticleTitle = null,
    string? ArticleDescription = null,
    string? Author = null)
{
    /// <summary>The organization this post is by, when <see cref="Author"/> names one; null for a member's post.</summary>
    public string? Organization => Author is { } author && author.StartsWith(PostAuthors.OrganizationPrefix, StringComparison.Ordinal) ? author : null;
}

/// <summary>Why a post is held and until when (null: until a person acts), as <see cref="PostHeld"/> announced it.</summary>
/// <param name="TenantId">The connection's tenant when the hold began, carried by the announcement.</param>
public sealed record PostHold(PostHoldReason Reason, string Description, DateTimeOffset? Until, DateTimeOffset Since, string? TenantId = null)
{
    /// <summary>Whether <paramref name="other"/> is this hold again (a re-check that found it unchanged), so not announced again.</summary>
    public bool SameAs(PostHold? other) => other is not null && other.Reason == Reason && other.Until == Until;
}

/// <summary>A failed attempt or the final failure, without any secret.</summary>
public sealed record PostError(FailureClass Class, string Message, DateTimeOffset At);

/// <summary>Where a post stands.</summary>
public enum PostState
{
    /// <summary>Recorded; nothing sent to LinkedIn yet, or the last attempt surely did not reach it (5xx, refused connection, 429).</summary>
    Received = 1,

    /// <summary>A holder of <see cref="PostEntry.Claim"/> is calling LinkedIn now.</summary>
    Publishing = 2,

    /// <summary>On LinkedIn with <see cref="PostEntry.Urn"/>. Final.</summary>
    Published = 3,

    /// <summary>The connection needs the member to log in again; resumes when the connection is active with a newer version.</summary>
    AwaitingReauth = 4,

    /// <summary>A call was sent and no answer came back: LinkedIn may have posted it. Settled without risking a second post.</summary>
    Unknown = 5,

    /// <summary>Refused (invalid, permission). Final.</summary>
    Failed = 6,

    /// <summary>
    /// A call's answer was lost and it could not be settled within the safe window: LinkedIn may or may not have posted it.
    /// Nothing more happens by itself; an operator resolves it through the admin API.
    /// </summary>
    OutcomeUnknown = 7,

    /// <summary>Held until <see cref="PostEntry.PublishAt"/>; then it goes out like a received post.</summary>
    Scheduled = 8,

    /// <summary>Cancelled before anything was sent to LinkedIn. Final.</summary>
    Cancelled = 9,

    /// <summary>Published, then deleted from LinkedIn by <see cref="DeletePost"/>; <see cref="PostEntry.Urn"/> is kept. Final.</summary>
    Deleted = 10,
}
