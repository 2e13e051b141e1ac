using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Messaging;
using TokenWorkers.Outbox;
using TokenWorkers.Posts;
using TokenWorkers.Runtime;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Publishing;

/// <summary>
/// One <see cref="PublishPost"/>: record the intent by PostId, claim the entry, and let <see cref="PostAttempt"/> make the
/// call. Each step is a transition of <see cref="PostTransitions"/> persisted by the one writer, which also announces the
/// outcome. A finished post is announced again (same event id) and nothing is called.
/// </summary>
public sealed partial class PostPublisher(
    AggregateWriter<PostEntry> writer,
    IPostLedger ledger,
    IConnectionStore store,
    PostAttempt attempt,
    WorkerIdentity identity,
    TokenWorkersMetrics metrics,
    IOptions<PublishingOptions> options,
    IOptions<ImageOptions> images,
    ILogger<PostPublisher> logger)
{
    private readonly PublishingOptions _options = options.Value;
    private readonly ImageOptions _images = images.Value;

    public async Task<PublishOutcome> PublishAsync(PublishPost command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var (entry, recorded) = await RecordAsync(command, cancellationToken);
        if (!recorded && !SameCommand(entry, command))
        {
            // Answering with the stored outcome would tell the sender its new post went out; nothing is sent for it.
            LogReused(logger, command.PostId, command.ConnectionId);
            await writer.AnnounceAgainAsync(PostEvents.Reused(entry, command.ConnectionId ?? "", ContentOf(command), command.PublishAt), cancellationToken);
            metrics.PostAttempted(PublishOutcome.Failed);
            return PublishOutcome.Failed;
        }

        if (entry.IsFinished)
        {
            if (!recorded)
            {
                await AnnounceAgainAsync(entry, cancellationToken);
            }

            return Finished(entry);
        }

        var connection = await store.FindAsync(entry.ConnectionId, cancellationToken);
        var holder = identity.NewLeaseHolder();
        var uncertain = false;
        var claimed = await writer.UpdateAsync(entry.PostId, (e, now) =>
        {
            uncertain = PostTransitions.MayHaveReachedLinkedIn(e);
            return PostTransitions.Claim(e, now, holder, _options.ClaimDuration, _options.RedispatchAfter, connection, _options.SettleWithin);
        }, cancellationToken, entry);

        if (!claimed.Changed)
        {
            if (claimed.Current!.IsFinished)
            {
                await AnnounceAgainAsync(claimed.Current, cancellationToken);
            }

            LogNotClaimed(logger, entry.PostId, claimed.Current.State);
            return PublishOutcome.NothingToDo;
        }

        if (claimed.Current!.State == PostState.OutcomeUnknown)
        {
            LogUnresolved(logger, entry.PostId, claimed.Current.UncertainSince);
            metrics.PostAttempted(PublishOutcome.Unresolved, connection?.App);
            return PublishOutcome.Unresolved;
        }

        var outcome = await attempt.RunAsync(claimed.Current!, holder, uncertain, cancellationToken);
        metrics.PostAttempted(outcome, connection?.App);
        return outcome;
    }

    /// <summary>The entry of the command's PostId, and whether this call recorded it (a first delivery).</summary>
    private async Task<(PostEntry Entry, bool Recorded)> RecordAsync(PublishPost command, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(command.PostId))
        {
            throw new InvalidMessageException("PublishPost.PostId is required: it is the post's idempotency key.");
        }

        if (PostAuthors.Check(command.Author) is { } badAuthor)
        {
            throw new InvalidMessageException("PublishPost.Author: " + badAuthor);
        }

        if (await ledger.FindAsync(command.PostId, cancellationToken) is { } existing)
        {
            return (existing, false);
        }

        var invalid = PostValidation.Check(command, _images) ?? await CheckConnectionAsync(command, cancellationToken);
        var content = ContentOf(command);
        var written = await writer.UpsertAsync(command.PostId, (existing, now) => existing is not null
            ? null
            : PostTransitions.Record(
                command.PostId, command.ConnectionId ?? "", content, now, _options.RedispatchAfter, invalid, command.PublishAt, _options.MaxScheduleAhead, ImagesOf(command)),
            cancellationToken);
        if (written.Changed && written.Current!.State == PostState.Failed)
        {
            LogInvalid(logger, command.PostId, command.ConnectionId, written.Current.LastError!.Message);
            metrics.PostAttempted(PublishOutcome.Failed);
        }
        else if (written.Changed && written.Current!.State == PostState.Scheduled)
        {
            LogScheduled(logger, command.PostId, command.ConnectionId, written.Current.PublishAt!.Value);
        }

        return (written.Current!, written.Changed);
    }

    /// <summary>Why the command may not post through its connection: missing, or another tenant's (when the sender says).</summary>
    private async Task<string?> CheckConnectionAsync(PublishPost command, CancellationToken cancellationToken)
    {
        var connection = string.IsNullOrWhiteSpace(command.ConnectionId) ? null : await store.FindAsync(command.ConnectionId, cancellationToken);
        if (connection is null)
        {
            return $"Connection '{command.ConnectionId}' does not exist.";
        }

        if (string.IsNullOrEmpty(command.TenantId))
        {
            if (_options.RequireTenantId)
            {
                return "PublishPost.TenantId is required (Publishing:RequireTenantId is true).";
            }

            ThrowIfOtherMember(command, connection);
            return null;
        }

        // The same words whether the connection belongs to another tenant or not: a sender learns nothing about others.
        if (!string.Equals(connection.TenantId, command.TenantId, StringComparison.Ordinal))
        {
            return $"Connection '{command.ConnectionId}' does not exist for tenant '{command.TenantId}'.";
        }

        ThrowIfOtherMember(command, connection);
        return null;
    }

    /// <summary>
    /// A person author other than the connection's member is a malformed command, refused to the error queue like a malformed
    /// author. While the member is not known yet, the attempt checks it once it is learnt (a PostFailed then).
    /// </summary>
    private static void ThrowIfOtherMember(PublishPost command, Connection connection)
    {
        if (connection.MemberUrn is { } member && PostAuthors.CheckPerson(command.Author, member) is { } other)
        {
            throw new InvalidMessageException("PublishPost.Author: " + other);
        }
    }

    private static bool SameCommand(PostEntry entry, PublishPost command) =>
        string.Equals(entry.ConnectionId, command.ConnectionId ?? "", StringComparison.Ordinal) && entry.Content == ContentOf(command) &&
        entry.PublishAt == command.PublishAt.ToStoredPrecision() && SameImages(entry.Images, ImagesOf(command));

    private static bool SameImages(IReadOnlyList<ImageUpload> recorded, IReadOnlyList<ImageUpload> sent) =>
        recorded.Count == sent.Count && recorded.Zip(sent).All(pair => pair.First.SameImageAs(pair.Second));

    /// <summary>The command's images as the ledger keeps them (an invalid one too: the entry records what was refused).</summary>
    private static IReadOnlyList<ImageUpload> ImagesOf(PublishPost command) =>
        [.. (command.Images ?? []).Select(i => i?.Url is { } url
            ? new ImageUpload(ImageSource.Url, url.OriginalString, i.AltText)
            : new ImageUpload(ImageSource.MessageData, i?.Data?.OriginalString ?? "", i?.AltText))];

    private static PostContent ContentOf(PublishPost command) =>
        new(command.Text ?? "", command.Visibility, command.ArticleUrl?.OriginalString, command.ArticleTitle, command.ArticleDescription, command.Author);

    private static PublishOutcome Finished(PostEntry entry) => entry.State switch
    {
        PostState.Published => PublishOutcome.Published,
        PostState.OutcomeUnknown => PublishOutcome.Unresolved,
        PostState.Cancelled or PostState.Deleted => PublishOutcome.NothingToDo,
        _ => PublishOutcome.Failed,
    };

    private Task AnnounceAgainAsync(PostEntry entry, CancellationToken cancellationToken) =>
        PostTransitions.Outcome(entry) is { } outcome ? writer.AnnounceAgainAsync(outcome, cancellationToken) : Task.CompletedTask;

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Post {PostId} for connection {ConnectionId} refused before any call to LinkedIn: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string postId, string? connectionId, string reason);

    [LoggerMessage(EventId = 513, Level = LogLevel.Information, Message = "Post {PostId} for connection {ConnectionId} scheduled for {PublishAt:o}")]
    private static partial void LogScheduled(ILogger logger, string postId, string? connectionId, DateTimeOffset publishAt);

    [LoggerMessage(EventId = 511, Level = LogLevel.Error,
        Message = "Post {PostId} stopped with an unknown outcome: a call sent at {FirstUncertainAt:o} got no answer and it was not settled in time; an operator must resolve it")]
    private static partial void LogUnresolved(ILogger logger, string postId, DateTimeOffset? firstUncertainAt);

    [LoggerMessage(EventId = 512, Level = LogLevel.Warning,
        Message = "Post {PostId} was sent again for connection {ConnectionId} with other content or another connection; refused, the first post's entry is unchanged")]
    private static partial void LogReused(ILogger logger, string postId, string? connectionId);

    [LoggerMessage(EventId = 501, Level = LogLevel.Debug, Message = "Post {PostId} not claimed: it is {State}")]
    private static partial void LogNotClaimed(ILogger logger, string postId, PostState state);
}
