using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Messaging;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;
using TokenWorkers.Posts;

namespace TokenWorkers.Publishing;

/// <summary>
/// One <see cref="DeletePost"/>. By PostId: a published post is deleted at LinkedIn with its connection's fresh token, and the
/// deletion is recorded in the ledger with PostDeleted in the entry's outbox; a post already recorded as deleted is announced
/// again (same id) without calling LinkedIn. By URN (a post made elsewhere): deleted through the named connection and
/// announced, with no ledger entry. Whatever cannot be done throws, and the consumer definition decides: retry or error queue.
/// </summary>
public sealed partial class PostDeleter(
    AggregateWriter<PostEntry> writer,
    IPostLedger ledger,
    IConnectionStore store,
    AccessTokenProvider tokens,
    ILinkedInApi linkedIn,
    TimeProvider time,
    IOptions<PublishingOptions> options,
    ILogger<PostDeleter> logger)
{
    public async Task DeleteAsync(DeletePost command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var byId = !string.IsNullOrWhiteSpace(command.PostId);
        if (byId == !string.IsNullOrWhiteSpace(command.PostUrn))
        {
            throw new InvalidMessageException("DeletePost needs either PostId (a post the worker published) or PostUrn with ConnectionId (a post made elsewhere), not both.");
        }

        if (string.IsNullOrEmpty(command.TenantId) && options.Value.RequireTenantId)
        {
            throw new InvalidMessageException("DeletePost.TenantId is required (Publishing:RequireTenantId is true).");
        }

        if (byId)
        {
            await DeleteByIdAsync(command.PostId!, command.TenantId, cancellationToken);
        }
        else
        {
            await DeleteByUrnAsync(command.PostUrn!.Trim(), command.ConnectionId, command.TenantId, cancellationToken);
        }
    }

    private async Task DeleteByIdAsync(string postId, string? tenantId, CancellationToken cancellationToken)
    {
        var entry = await ledger.FindAsync(postId, cancellationToken);
        var connection = entry is null ? null : await store.FindAsync(entry.ConnectionId, cancellationToken);
        if (entry is null || !Belongs(connection, tenantId))
        {
            // The same words whether the post does not exist or is another tenant's: a sender learns nothing about others.
            throw new InvalidMessageException($"Post '{postId}' is not in the ledger{ForTenant(tenantId)}; nothing was deleted.");
        }

        switch (entry.State)
        {
            case PostState.Deleted:
                LogAlreadyDeleted(logger, postId, entry.Urn);
                await writer.AnnounceAgainAsync(PostEvents.Deleted(entry), cancellationToken);
                return;
            case PostState.Published:
                break;
            case PostState.Scheduled or PostState.Received or PostState.AwaitingReauth:
                throw new InvalidMessageException(
                    $"Post '{postId}' has not been published ({entry.State}): there is nothing on LinkedIn to delete. Send CancelPost to stop it going out.");
            case PostState.Publishing or PostState.Unknown:
                throw new PostDeleteDeferredException($"Post '{postId}' is still being published ({entry.State}); send DeletePost again once PostPublished arrives.");
            default:
                throw new InvalidMessageException($"Post '{postId}' is {entry.State}: the worker has no post on LinkedIn for it to delete" +
                    (entry.State == PostState.OutcomeUnknown ? " until an operator resolves its unknown outcome." : "."));
        }

        var result = await CallAsync(entry.ConnectionId, entry.Urn!, cancellationToken);
        if (result is PostNotFound)
        {
            // We published this URN, so LinkedIn knew it: a 404 now means it is gone already, deleted by the member on LinkedIn
            // or by an earlier call of ours whose answer was lost. The sender asked for it to be gone, and it is.
            LogGoneAlready(logger, postId, entry.Urn!);
        }
        else if (result is not PostRemoved)
        {
            throw Refused(result, entry.Urn!);
        }

        // The deletion happened at LinkedIn: it is recorded even if the caller stops waiting.
        var written = await writer.UpdateAsync(postId, (e, now) => PostTransitions.Delete(e, now, connection!.TenantId), CancellationToken.None, entry);
        if (written.Changed)
        {
            LogDeleted(logger, postId, entry.Urn!);
        }
    }

    private async Task DeleteByUrnAsync(string urn, string? connectionId, string? tenantId, CancellationToken cancellationToken)
    {
        if (!PostUrn().IsMatch(urn))
        {
            throw new InvalidMessageException($"PostUrn '{urn}' is not a post URN (urn:li:share:{{digits}} or urn:li:ugcPost:{{digits}}); nothing was deleted.");
        }

        if (string.IsNullOrWhiteSpace(connectionId))
        {
            throw new InvalidMessageException("DeletePost.ConnectionId is required with PostUrn: the post is deleted with its author's connection.");
        }

        var connection = await store.FindAsync(connectionId, cancellationToken);
        if (connection is null || !Belongs(connection, tenantId))
        {
            throw new InvalidMessageException($"Connection '{connectionId}' does not exist{ForTenant(tenantId)}; nothing was deleted.");
        }

        var result = await CallAsync(connectionId, urn, cancellationToken);
        if (result is not PostRemoved)
        {
            // A 404 here is not "already deleted": LinkedIn answers 204 again for a deleted post (docs/linkedin-api.md §11),
            // and nothing says this URN ever existed.
            throw Refused(result, urn);
        }

        LogDeletedByUrn(logger, urn, connectionId);
        await writer.AnnounceUnrecordedAsync(PostEvents.DeletedByUrn(urn, connectionId, connection.TenantId, time.GetUtcNow()), cancellationToken);
    }

    /// <summary>The delete call with a fresh token (one refresh and one more call on a 401, as for posting).</summary>
    private async Task<ApiResult> CallAsync(string connectionId, string urn, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await tokens.GetFreshAsync(connectionId, cancellationToken)
                             ?? throw new PostNotDeletedException($"Connection '{connectionId}' no longer exists: {urn} cannot be deleted through it.");
            if (connection.Status != ConnectionStatus.Active)
            {
                throw NeedsLogin(connectionId, urn);
            }

            var (result, after) = await tokens.CallAsync(connection, token => linkedIn.DeletePostAsync(token, urn, cancellationToken), cancellationToken);
            return result is ApiRejected { Class: FailureClass.Reauth } && after.Status != ConnectionStatus.Active ? throw NeedsLogin(connectionId, urn) : result;
        }
        catch (LinkedInTransportException ex)
        {
            throw new PostDeleteDeferredException($"Deleting {urn}: {ex.Message}; retried.", ex);
        }
    }

    private static Exception Refused(ApiResult result, string urn) => result switch
    {
        PostNotFound notFound => new PostNotDeletedException($"LinkedIn knows no post {urn}: {notFound.Message}. Nothing was deleted."),
        ApiRejected { Class: FailureClass.Transient or FailureClass.Reauth } transient =>
            new PostDeleteDeferredException($"Deleting {urn}: {transient.Message}; retried."),
        ApiRejected { Class: FailureClass.RateLimited } limited =>
            new PostNotDeletedException($"LinkedIn refused to delete {urn}: {limited.Message} (a daily limit; send DeletePost again after {limited.RetryAt:u})."),
        ApiRejected refused => new PostNotDeletedException($"LinkedIn refused to delete {urn}: {refused.Message}."),
        _ => new InvalidOperationException($"Unexpected LinkedIn result {result.GetType().Name}"),
    };

    private static PostNotDeletedException NeedsLogin(string connectionId, string urn) =>
        new($"Connection '{connectionId}' needs its member to log in again; send DeletePost for {urn} again once they have.");

    private static bool Belongs(Connection? connection, string? tenantId) =>
        string.IsNullOrEmpty(tenantId) || string.Equals(connection?.TenantId, tenantId, StringComparison.Ordinal);

    private static string ForTenant(string? tenantId) => string.IsNullOrEmpty(tenantId) ? "" : $" for tenant '{tenantId}'";

    [GeneratedRegex(@"^urn:li:(share|ugcPost):\d{1,19}$")]
    private static partial Regex PostUrn();

    [LoggerMessage(EventId = 517, Level = LogLevel.Information, Message = "Post {PostId} deleted from LinkedIn ({Urn})")]
    private static partial void LogDeleted(ILogger logger, string postId, string urn);

    [LoggerMessage(EventId = 518, Level = LogLevel.Information, Message = "Post {PostId} was already deleted ({Urn}): announced again, LinkedIn not called")]
    private static partial void LogAlreadyDeleted(ILogger logger, string postId, string? urn);

    [LoggerMessage(EventId = 519, Level = LogLevel.Warning, Message = "Post {PostId} ({Urn}) was already gone from LinkedIn (404 to the delete); recorded as deleted")]
    private static partial void LogGoneAlready(ILogger logger, string postId, string urn);

    [LoggerMessage(EventId = 523, Level = LogLevel.Information, Message = "Post {Urn}, made outside the worker, deleted from LinkedIn through connection {ConnectionId}")]
    private static partial void LogDeletedByUrn(ILogger logger, string urn, string connectionId);
}
