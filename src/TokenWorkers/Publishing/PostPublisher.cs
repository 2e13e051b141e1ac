using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Outbox;
using TokenWorkers.Refresh;
using TokenWorkers.Telemetry;
using ConcurrencyException = TokenWorkers.Connections.ConcurrencyException;

namespace TokenWorkers.Publishing;

/// <summary>
/// One attempt to publish one post: record the intent by PostId, claim the entry by compare-and-swap, get a
/// fresh token (refreshing inline through <see cref="ConnectionRefresher"/>), resolve the author once, post,
/// and record the outcome by compare-and-swap before announcing it. A finished post is announced again and
/// nothing is called. A post whose earlier call may have reached LinkedIn is settled by sending identical
/// content, which LinkedIn refuses as a duplicate naming the earlier post: never a second post.
/// </summary>
public sealed partial class PostPublisher(
    IPostLedger ledger,
    IConnectionStore store,
    ConnectionRefresher refresher,
    LinkedInApiClient linkedIn,
    OutboxDispatcher outbox,
    WorkerIdentity identity,
    TokenWorkersMetrics metrics,
    TimeProvider time,
    IOptions<PublishingOptions> options,
    ILogger<PostPublisher> logger)
{
    private static readonly TimeSpan LeasePoll = TimeSpan.FromMilliseconds(50);
    private readonly PublishingOptions _options = options.Value;

    public async Task<PublishOutcome> PublishAsync(PublishPost command, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var entry = await RecordAsync(command, cancellationToken);
        if (entry.IsFinished)
        {
            await AnnounceAsync(entry, publisher, cancellationToken);
            return entry.State == PostState.Published ? PublishOutcome.Published : PublishOutcome.Failed;
        }

        var connection = await store.FindAsync(entry.ConnectionId, cancellationToken);
        var holder = identity.NewLeaseHolder();
        var uncertain = false;
        var (claimed, written) = await ledger.UpdateAsync(entry.PostId, e =>
        {
            var now = time.GetUtcNow();
            switch (e.State)
            {
                case PostState.Published or PostState.Failed:
                    return null;
                case PostState.Publishing when e.Claim is { } claim && claim.Until > now:
                    return null;
                case PostState.AwaitingReauth when connection is not { Status: ConnectionStatus.Active } c || c.Version <= e.AwaitingConnectionVersion:
                    return null;
            }

            // An earlier call may have reached LinkedIn: a dropped answer, a claim that ran out, a 5xx.
            uncertain = e.State is PostState.Unknown or PostState.Publishing || e.Attempts > 0;
            return e with
            {
                State = PostState.Publishing,
                Claim = new Lease(holder, now + _options.ClaimDuration),
                Attempts = e.Attempts + 1,
                AwaitingConnectionVersion = null,
                NotBefore = now + _options.RedispatchAfter,
                UpdatedAt = now,
            };
        }, cancellationToken);

        if (!written)
        {
            if (claimed!.IsFinished)
            {
                await AnnounceAsync(claimed, publisher, cancellationToken);
            }

            LogNotClaimed(logger, entry.PostId, claimed.State);
            return PublishOutcome.NothingToDo;
        }

        var outcome = await AttemptAsync(claimed!, holder, uncertain, publisher, cancellationToken);
        metrics.PostAttempted(outcome);
        return outcome;
    }

    private async Task<PostEntry> RecordAsync(PublishPost command, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(command.PostId))
        {
            throw new InvalidMessageException("PublishPost.PostId is required: it is the post's idempotency key.");
        }

        if (await ledger.FindAsync(command.PostId, cancellationToken) is { } existing)
        {
            return existing;
        }

        var now = time.GetUtcNow();
        var invalid = PostValidation.Check(command);
        if (invalid is null && (string.IsNullOrWhiteSpace(command.ConnectionId) ||
                                await store.FindAsync(command.ConnectionId, cancellationToken) is null))
        {
            invalid = $"Connection '{command.ConnectionId}' does not exist.";
        }

        var entry = new PostEntry
        {
            PostId = command.PostId,
            ConnectionId = command.ConnectionId ?? "",
            Content = new PostContent(command.Text ?? "", command.Visibility, command.ArticleUrl?.OriginalString, command.ArticleTitle, command.ArticleDescription),
            State = invalid is null ? PostState.Received : PostState.Failed,
            LastError = invalid is null ? null : new PostError(FailureClass.Invalid, invalid, now),
            NotBefore = invalid is null ? now + _options.RedispatchAfter : null,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (invalid is not null)
        {
            LogInvalid(logger, command.PostId, command.ConnectionId, invalid);
        }

        if (await ledger.TryInsertAsync(entry, cancellationToken) is { } inserted)
        {
            if (invalid is not null)
            {
                metrics.PostAttempted(PublishOutcome.Failed);
            }

            return inserted;
        }

        return await ledger.FindAsync(command.PostId, cancellationToken)
               ?? throw new ConcurrencyException($"Post '{command.PostId}' vanished while being recorded.");
    }

    private async Task<PublishOutcome> AttemptAsync(
        PostEntry claimed, string holder, bool uncertain, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        ApiResult result;
        Connection? connection;
        try
        {
            connection = await FreshConnectionAsync(claimed.ConnectionId, publisher, cancellationToken);
            if (connection is null)
            {
                return await CompleteAsync(claimed.PostId, holder, PostState.Failed, null,
                    new PostError(FailureClass.Invalid, $"Connection '{claimed.ConnectionId}' no longer exists.", time.GetUtcNow()), publisher, cancellationToken);
            }

            if (connection.Status != ConnectionStatus.Active)
            {
                return await AwaitReauthAsync(claimed, holder, connection, cancellationToken);
            }

            var author = connection.MemberUrn;
            if (author is null)
            {
                (var member, connection) = await CallAsync(connection, token => linkedIn.GetMemberAsync(token, cancellationToken), publisher, cancellationToken);
                if (member is not MemberFound found)
                {
                    return await FinishAsync(claimed, holder, uncertain, member, connection, publisher, cancellationToken);
                }

                author = found.MemberUrn;
                connection = (await store.UpdateAsync(connection.ConnectionId, c => c.MemberUrn is null ? c with { MemberUrn = author } : null,
                    cancellationToken)).Connection ?? connection;
            }

            (result, connection) = await CallAsync(connection, token => linkedIn.CreatePostAsync(token, author, claimed.Content, cancellationToken),
                publisher, cancellationToken);
        }
        catch (LinkedInTransportException ex)
        {
            // Nothing reached LinkedIn on this call; an earlier call may have, which the state keeps.
            await ReleaseAsync(claimed.PostId, holder, uncertain, new PostError(FailureClass.Transient, ex.Message, time.GetUtcNow()), null);
            LogRetryLater(logger, claimed.PostId, ex.Message);
            return PublishOutcome.RetryLater;
        }
        catch (OperationCanceledException)
        {
            await ReleaseAsync(claimed.PostId, holder, uncertain: true, null, null);
            throw;
        }

        return await FinishAsync(claimed, holder, uncertain, result, connection, publisher, cancellationToken);
    }

    /// <summary>The connection with an access token valid beyond the margin, refreshed inline if needed; null if it is gone.</summary>
    private async Task<Connection?> FreshConnectionAsync(string connectionId, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var margin = _options.TokenExpiryMargin;
        var connection = await store.FindAsync(connectionId, cancellationToken);
        if (connection is not { Status: ConnectionStatus.Active } || !Expiring(connection, time.GetUtcNow(), margin))
        {
            return connection;
        }

        var (outcome, refreshed) = await refresher.RefreshBeforeUseAsync(connectionId, (c, now) => Expiring(c, now, margin), cancellationToken);
        LogInlineRefresh(logger, connectionId, outcome);
        return await AfterRefreshAsync(connectionId, outcome, refreshed, publisher, cancellationToken);
    }

    /// <summary>
    /// Makes one call with the connection's token; on 401, refreshes once (unless someone already replaced that token) and calls once more.
    /// </summary>
    private async Task<(ApiResult Result, Connection Connection)> CallAsync(
        Connection connection, Func<SecretToken, Task<ApiResult>> call, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var used = connection.AccessToken!;
        var result = await call(used);
        if (result is not ApiRejected { Class: FailureClass.Reauth } unauthorized)
        {
            return (result, connection);
        }

        var (outcome, refreshed) = await refresher.RefreshBeforeUseAsync(connection.ConnectionId, (c, _) => Equals(c.AccessToken, used), cancellationToken);
        LogRefreshAfterUnauthorized(logger, connection.ConnectionId, unauthorized.Status, unauthorized.Code, outcome);
        var after = await AfterRefreshAsync(connection.ConnectionId, outcome, refreshed, publisher, cancellationToken);
        if (after is not { Status: ConnectionStatus.Active, AccessToken: { } token } || Equals(token, used))
        {
            // Re-authorization needed, or the refresh failed transiently: the caller decides from the connection.
            return (result, after ?? connection);
        }

        return (await call(token), after);
    }

    private async Task<Connection?> AfterRefreshAsync(
        string connectionId, RefreshOutcome outcome, Connection? refreshed, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        if (outcome is RefreshOutcome.Refreshed or RefreshOutcome.ReauthRequired && refreshed is not null)
        {
            // The refresh path's own events (TokenRefreshed, ReauthRequired), emitted once by whoever refreshed.
            await outbox.DispatchAsync(refreshed, publisher, cancellationToken);
        }

        if (outcome == RefreshOutcome.Leased)
        {
            // Another instance is refreshing right now: wait briefly for it rather than refresh twice.
            var deadline = DateTime.UtcNow + _options.LeaseWait;
            while (DateTime.UtcNow < deadline)
            {
                var current = await store.FindAsync(connectionId, cancellationToken);
                if (current?.Lease is not { } lease || lease.Until <= time.GetUtcNow())
                {
                    return current;
                }

                await Task.Delay(LeasePoll, cancellationToken);
            }
        }

        return await store.FindAsync(connectionId, cancellationToken);
    }

    private async Task<PublishOutcome> FinishAsync(
        PostEntry claimed, string holder, bool uncertain, ApiResult result, Connection? connection, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (result)
        {
            case PostCreated created:
                return await CompleteAsync(claimed.PostId, holder, PostState.Published, created.Urn, null, publisher, cancellationToken);
            case PostDuplicate duplicate when uncertain:
                LogSettled(logger, claimed.PostId, duplicate.EarlierUrn);
                return await CompleteAsync(claimed.PostId, holder, PostState.Published, duplicate.EarlierUrn, null, publisher, cancellationToken);
            case PostDuplicate duplicate:
                return await CompleteAsync(claimed.PostId, holder, PostState.Failed, null,
                    new PostError(FailureClass.Invalid, $"LinkedIn refuses the content as a duplicate of {duplicate.EarlierUrn}.", now), publisher, cancellationToken);
            case ApiRejected { Class: FailureClass.Reauth } when connection is not { Status: ConnectionStatus.Active }:
                return await AwaitReauthAsync(claimed, holder, connection, cancellationToken);
            case ApiRejected { Class: FailureClass.Permission or FailureClass.Invalid or FailureClass.Configuration } refused:
                return await CompleteAsync(claimed.PostId, holder, PostState.Failed, null,
                    new PostError(refused.Class == FailureClass.Configuration ? FailureClass.Invalid : refused.Class, refused.Message, now), publisher, cancellationToken);
            case ApiRejected { Class: FailureClass.RateLimited } limited:
                await ReleaseAsync(claimed.PostId, holder, uncertain, new PostError(FailureClass.RateLimited, limited.Message, now), limited.RetryAt);
                LogRateLimited(logger, claimed.PostId, limited.RetryAt);
                return PublishOutcome.Waiting;
            case PostOutcomeUnknown unknown:
                await ReleaseAsync(claimed.PostId, holder, uncertain: true, new PostError(FailureClass.Transient, unknown.Reason, now), null);
                LogUnknown(logger, claimed.PostId, unknown.Reason);

                // No quick retry: LinkedIn may still be processing the first call, and the duplicate check that makes
                // the settling call safe only sees posts it has finished. The scan settles it after RedispatchAfter.
                return PublishOutcome.Waiting;
            case ApiRejected transient:
                await ReleaseAsync(claimed.PostId, holder, uncertain, new PostError(FailureClass.Transient, transient.Message, now), null);
                LogRetryLater(logger, claimed.PostId, transient.Message);
                return PublishOutcome.RetryLater;
            default:
                throw new InvalidOperationException($"Unexpected LinkedIn result {result.GetType().Name}");
        }
    }

    private async Task<PublishOutcome> CompleteAsync(
        string postId, string holder, PostState state, string? urn, PostError? error, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var (stored, written) = await ledger.UpdateAsync(postId, e => e.Claim?.Holder != holder
            ? null
            : e with { State = state, Urn = urn, LastError = error ?? e.LastError, Claim = null, NotBefore = null, UpdatedAt = time.GetUtcNow() },
            cancellationToken);
        if (!written)
        {
            // Our claim ran out and someone else took the post over; it will announce the outcome it reaches.
            LogClaimLost(logger, postId);
            return PublishOutcome.NothingToDo;
        }

        await AnnounceAsync(stored!, publisher, cancellationToken);
        return state == PostState.Published ? PublishOutcome.Published : PublishOutcome.Failed;
    }

    private async Task<PublishOutcome> AwaitReauthAsync(PostEntry claimed, string holder, Connection? connection, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await ledger.UpdateAsync(claimed.PostId, e => e.Claim?.Holder != holder
            ? null
            : e with
            {
                State = PostState.AwaitingReauth,
                AwaitingConnectionVersion = connection?.Version ?? 0,
                LastError = new PostError(FailureClass.Reauth, "The connection needs the member to log in again.", now),
                Claim = null,
                NotBefore = null,
                UpdatedAt = now,
            },
            cancellationToken);
        LogAwaitingReauth(logger, claimed.PostId, claimed.ConnectionId, connection?.Version);
        return PublishOutcome.Waiting;
    }

    /// <summary>Gives the claim back: Unknown if any call may have reached LinkedIn, Received otherwise; the scan dispatches it at <paramref name="notBefore"/>.</summary>
    private async Task ReleaseAsync(string postId, string holder, bool uncertain, PostError? error, DateTimeOffset? notBefore)
    {
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await ledger.UpdateAsync(postId, e => e.Claim?.Holder != holder
                ? null
                : e with
                {
                    State = uncertain ? PostState.Unknown : PostState.Received,
                    Claim = null,
                    LastError = error ?? e.LastError,
                    NotBefore = notBefore ?? time.GetUtcNow() + _options.RedispatchAfter,
                    UpdatedAt = time.GetUtcNow(),
                },
                bounded.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConcurrencyException)
        {
            // The claim runs out by itself and then counts as an unknown outcome: nothing is lost.
        }
    }

    private static async Task AnnounceAsync(PostEntry entry, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        if (entry.State == PostState.Published)
        {
            var published = PostEvents.Published(entry);
            await publisher.Publish(published, Pipe.Execute<PublishContext>(c => c.MessageId = published.EventId), cancellationToken);
        }
        else if (entry.State == PostState.Failed)
        {
            var failed = PostEvents.Failed(entry);
            await publisher.Publish(failed, Pipe.Execute<PublishContext>(c => c.MessageId = failed.EventId), cancellationToken);
        }
    }

    private static bool Expiring(Connection c, DateTimeOffset now, TimeSpan margin) =>
        c.AccessTokenExpiresAt is not { } expiry || expiry <= now + margin;

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Post {PostId} for connection {ConnectionId} refused before any call to LinkedIn: {Reason}")]
    private static partial void LogInvalid(ILogger logger, string postId, string? connectionId, string reason);

    [LoggerMessage(EventId = 501, Level = LogLevel.Debug, Message = "Post {PostId} not claimed: it is {State}")]
    private static partial void LogNotClaimed(ILogger logger, string postId, PostState state);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Inline refresh of {ConnectionId} before posting (its access token expires within the margin): {Outcome}")]
    private static partial void LogInlineRefresh(ILogger logger, string connectionId, RefreshOutcome outcome);

    [LoggerMessage(EventId = 509, Level = LogLevel.Information, Message = "Inline refresh of {ConnectionId} after LinkedIn answered {Status} {ErrorCode} to a posting call: {Outcome}")]
    private static partial void LogRefreshAfterUnauthorized(ILogger logger, string connectionId, int status, string? errorCode, RefreshOutcome outcome);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "Post {PostId} was already on LinkedIn as {Urn}: settled without posting again")]
    private static partial void LogSettled(ILogger logger, string postId, string urn);

    [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "Post {PostId} was rate limited by LinkedIn; it waits until {NotBefore:o}")]
    private static partial void LogRateLimited(ILogger logger, string postId, DateTimeOffset? notBefore);

    [LoggerMessage(EventId = 505, Level = LogLevel.Warning, Message = "Post {PostId} was sent and no answer came back ({Reason}); it is settled later without posting twice")]
    private static partial void LogUnknown(ILogger logger, string postId, string reason);

    [LoggerMessage(EventId = 506, Level = LogLevel.Warning, Message = "Post {PostId} failed transiently: {Reason}; retrying later")]
    private static partial void LogRetryLater(ILogger logger, string postId, string reason);

    [LoggerMessage(EventId = 507, Level = LogLevel.Warning, Message = "Post {PostId} waits for connection {ConnectionId} to be re-authorized (version {Version})")]
    private static partial void LogAwaitingReauth(ILogger logger, string postId, string connectionId, long? version);

    [LoggerMessage(EventId = 508, Level = LogLevel.Warning, Message = "Claim on post {PostId} ran out while LinkedIn answered; the new holder settles it")]
    private static partial void LogClaimLost(ILogger logger, string postId);
}

/// <summary>What one <see cref="PostPublisher.PublishAsync"/> came to.</summary>
public enum PublishOutcome
{
    Published,
    Failed,

    /// <summary>Held in the ledger: a rate limit (until NotBefore), re-authorization, or an unknown outcome to settle at NotBefore.</summary>
    Waiting,

    /// <summary>A transient failure that surely did not create the post; a quick retry or the resumption scan tries again.</summary>
    RetryLater,

    /// <summary>Another holder is on it, or it is waiting and nothing changed.</summary>
    NothingToDo,
}
