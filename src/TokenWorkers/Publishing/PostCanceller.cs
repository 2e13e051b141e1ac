using TokenWorkers.Connections;
using TokenWorkers.Outbox;
using TokenWorkers.Posts;

namespace TokenWorkers.Publishing;

/// <summary>What a cancel came to.</summary>
public enum CancelOutcome
{
    Cancelled,

    /// <summary>No such PostId (or, when the canceller named a tenant, none through that tenant's connections).</summary>
    Unknown,

    /// <summary>Finished, being published, or a call's outcome is unknown: the post's own outcome stands (and is announced).</summary>
    TooLate,
}

/// <summary>
/// Cancels a post nothing has been sent for (<see cref="PostTransitions.Cancel"/>), for <c>CancelPost</c> and the admin API.
/// The cancel and a publish racing for the same post meet at the ledger's conditional write: whichever lands first wins,
/// and the other sees it. A post it is too late for gets its outcome announced again, so the sender is not left guessing.
/// </summary>
public sealed partial class PostCanceller(AggregateWriter<PostEntry> writer, IPostLedger ledger, IConnectionStore store, ILogger<PostCanceller> logger)
{
    public const int MaxReasonLength = 500;

    public async Task<(CancelOutcome Outcome, PostEntry? Post)> CancelAsync(string postId, string? tenantId, string? reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(postId);
        if (await ledger.FindAsync(postId, cancellationToken) is not { } entry)
        {
            LogUnknown(logger, postId);
            return (CancelOutcome.Unknown, null);
        }

        if (!string.IsNullOrEmpty(tenantId) &&
            (await store.FindAsync(entry.ConnectionId, cancellationToken))?.TenantId is { } owner && owner != tenantId)
        {
            // The same answer as for a PostId that does not exist: a sender learns nothing about other tenants' posts.
            LogUnknown(logger, postId);
            return (CancelOutcome.Unknown, null);
        }

        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim()[..Math.Min(reason.Trim().Length, MaxReasonLength)];
        // A cancel, once decided, lands even if the caller stops waiting.
        var written = await writer.UpdateAsync(postId, (e, now) => PostTransitions.Cancel(e, now, reason), CancellationToken.None, entry);
        if (written.Changed)
        {
            LogCancelled(logger, postId, reason);
            return (CancelOutcome.Cancelled, written.Current);
        }

        if (written.Current is { } current && PostTransitions.Outcome(current) is { } outcome)
        {
            await writer.AnnounceAgainAsync(outcome, cancellationToken);
        }

        LogTooLate(logger, postId, written.Current?.State);
        return (written.Current?.State == PostState.Cancelled ? CancelOutcome.Cancelled : CancelOutcome.TooLate, written.Current);
    }

    [LoggerMessage(EventId = 514, Level = LogLevel.Information, Message = "Post {PostId} cancelled ({Reason})")]
    private static partial void LogCancelled(ILogger logger, string postId, string? reason);

    [LoggerMessage(EventId = 515, Level = LogLevel.Information, Message = "Post {PostId} not cancelled: it is {State}")]
    private static partial void LogTooLate(ILogger logger, string postId, PostState? state);

    [LoggerMessage(EventId = 516, Level = LogLevel.Warning, Message = "Cancel for post {PostId}, which is not in the ledger (or not the sender's tenant's): nothing to cancel")]
    private static partial void LogUnknown(ILogger logger, string postId);
}
