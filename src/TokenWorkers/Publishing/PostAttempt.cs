using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;
using TokenWorkers.Posts;
using TokenWorkers.Refresh;

namespace TokenWorkers.Publishing;

/// <summary>
/// One call to LinkedIn for a claimed post: a fresh token, the member (learnt once), for a page post the member's right to post
/// for it (<see cref="OrganizationAccess"/>), the post, and the answer mapped to one transition of the entry. A post whose earlier call may have reached LinkedIn is settled by sending identical
/// content, which LinkedIn refuses as a duplicate naming the earlier post: never a second post.
/// </summary>
public sealed partial class PostAttempt(
    AggregateWriter<PostEntry> posts,
    AggregateWriter<Connection> connections,
    AccessTokenProvider tokens,
    OrganizationAccess organizations,
    OrganizationRoleCache organizationRoles,
    ImageUploads images,
    ILinkedInApi linkedIn,
    TimeProvider time,
    IOptions<PublishingOptions> options,
    IOptions<RefreshOptions> refresh,
    ILogger<PostAttempt> logger)
{
    private readonly PublishingOptions _options = options.Value;
    private readonly TimeSpan _claimMustCover = LeaseRules.Needed(linkedIn.RequestTimeout, refresh.Value.ClockSkewTolerance);

    public async Task<PublishOutcome> RunAsync(PostEntry claimed, string holder, bool uncertain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        ApiResult result;
        Connection? connection;
        PostAttemptSteps? steps = null;
        var posting = false;
        try
        {
            connection = await tokens.GetFreshAsync(claimed.ConnectionId, cancellationToken);
            if (connection is null)
            {
                var gone = new PostError(FailureClass.Invalid, $"Connection '{claimed.ConnectionId}' no longer exists.", time.GetUtcNow());
                return await FinishAsync(claimed, (e, now) => PostTransitions.Fail(e, now, holder, gone), PublishOutcome.Failed, cancellationToken);
            }

            if (connection.Status != ConnectionStatus.Active)
            {
                return await AwaitReauthAsync(claimed, holder, connection, cancellationToken);
            }

            var member = connection.MemberUrn;
            if (member is null)
            {
                (var learnt, connection) = await tokens.CallAsync(connection, token => linkedIn.GetMemberAsync(token, cancellationToken), cancellationToken);
                if (learnt is not MemberFound found)
                {
                    return await SettleAsync(claimed, holder, uncertain, learnt, connection, cancellationToken);
                }

                member = found.MemberUrn;
                connection = (await connections.UpdateAsync(connection.ConnectionId, (c, _) => ConnectionTransitions.LearnMember(c, found.MemberUrn),
                    cancellationToken)).Current ?? connection;
            }

            if (PostAuthors.CheckPerson(claimed.Content.Author, member) is { } otherMember)
            {
                // Caught when the command arrived if the member was known then; otherwise here, once it is.
                var notTheMember = new PostError(FailureClass.Invalid, otherMember, time.GetUtcNow());
                return await FinishAsync(claimed, (e, now) => PostTransitions.Fail(e, now, holder, notTheMember), PublishOutcome.Failed, cancellationToken);
            }

            var organization = claimed.Content.Organization;
            if (organization is not null)
            {
                (var refusal, connection) = await organizations.CheckAsync(connection, member, organization, cancellationToken);
                if (refusal is not null)
                {
                    return await SettleAsync(claimed, holder, uncertain, refusal, connection, cancellationToken);
                }
            }

            var author = organization ?? member;
            steps = new PostAttemptSteps(posts, tokens, claimed, holder, connection, _claimMustCover, _options.ClaimDuration);
            IReadOnlyList<ReadyImage> ready = [];
            if (claimed.Images.Count > 0)
            {
                // Every image AVAILABLE before the post call, or no post call: never a post with some of its images.
                var prepared = await images.PrepareAsync(steps, author, cancellationToken);
                (claimed, connection) = (steps.Current, steps.Connection);
                if (prepared is not ImagesReady imagesReady)
                {
                    return await SettleAsync(claimed, holder, uncertain, prepared, connection, cancellationToken);
                }

                ready = imagesReady.Images;
            }

            posting = true;
            result = await steps.CallAsync(token => linkedIn.CreatePostAsync(token, author, claimed.Content, ready, cancellationToken), cancellationToken);
            (claimed, connection) = (steps.Current, steps.Connection);
            if (organization is not null && result is ApiRejected { Class: FailureClass.Permission })
            {
                // LinkedIn refused what the cached roles allowed: they are out of date, so the next post asks again.
                organizationRoles.Forget(connection.ConnectionId);
            }
        }
        catch (LinkedInTransportException ex)
        {
            // Nothing reached LinkedIn on this call; an earlier call may have, which the state keeps (with the images' progress).
            claimed = steps?.Current ?? claimed;
            await ReleaseAsync(claimed, holder, uncertain, new PostError(FailureClass.Transient, ex.Message, time.GetUtcNow()), null, CancellationToken.None);
            LogRetryLater(logger, claimed.PostId, ex.Message);
            return PublishOutcome.RetryLater;
        }
        catch (OperationCanceledException)
        {
            // The post call may have been in flight: its answer is lost. Stopped before it (uploading images), nothing is unknown.
            await ReleaseAsync(steps?.Current ?? claimed, holder, uncertain || posting, null, null, CancellationToken.None, answerLost: posting);
            throw;
        }

        return await SettleAsync(claimed, holder, uncertain, result, connection, cancellationToken);
    }

    private async Task<PublishOutcome> SettleAsync(
        PostEntry claimed, string holder, bool uncertain, ApiResult result, Connection connection, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        switch (result)
        {
            case ClaimLost:
                LogClaimLost(logger, claimed.PostId);
                return PublishOutcome.NothingToDo;
            case PostCreated created:
                return await FinishAsync(claimed, (e, at) => PostTransitions.Publish(e, at, holder, created.Urn), PublishOutcome.Published, cancellationToken);
            case PostDuplicate duplicate when uncertain:
                LogSettled(logger, claimed.PostId, duplicate.EarlierUrn);
                return await FinishAsync(claimed, (e, at) => PostTransitions.Publish(e, at, holder, duplicate.EarlierUrn), PublishOutcome.Published, cancellationToken);
            case PostDuplicate duplicate:
                var refusedAsDuplicate = new PostError(FailureClass.Invalid, $"LinkedIn refuses the content as a duplicate of {duplicate.EarlierUrn}.", now);
                return await FinishAsync(claimed, (e, at) => PostTransitions.Fail(e, at, holder, refusedAsDuplicate), PublishOutcome.Failed, cancellationToken);
            case ImageProblem { Class: FailureClass.Invalid } refusedImage:
                var badImage = new PostError(FailureClass.Invalid, refusedImage.Reason, now);
                return await FinishAsync(claimed, (e, at) => PostTransitions.Fail(e, at, holder, badImage), PublishOutcome.Failed, cancellationToken);
            case ImageProblem notYet:
                // Progress is kept: the next attempt uploads nothing LinkedIn already has.
                await ReleaseAsync(claimed, holder, uncertain, new PostError(FailureClass.Transient, notYet.Reason, now), null, cancellationToken);
                LogRetryLater(logger, claimed.PostId, notYet.Reason);
                return PublishOutcome.RetryLater;
            case PermissionMissing missing:
                var lacking = new PostError(FailureClass.Permission, missing.Reason, now);
                return await FinishAsync(claimed, (e, at) => PostTransitions.Fail(e, at, holder, lacking), PublishOutcome.Failed, cancellationToken);
            case ApiRejected { Class: FailureClass.Reauth } when connection.Status != ConnectionStatus.Active:
                return await AwaitReauthAsync(claimed, holder, connection, cancellationToken);
            case ApiRejected { Class: FailureClass.Configuration } misconfigured:
                // The worker's configuration is wrong (LinkedIn no longer serves the pinned version), not the post: held and
                // tried again after RedispatchAfter, so it goes out once an operator fixes the setting.
                await ReleaseAsync(claimed, holder, uncertain, new PostError(FailureClass.Configuration, misconfigured.Message, now), null, cancellationToken,
                    hold: PostHolds.Misconfigured(misconfigured, now, connection.TenantId));
                LogHeldForConfiguration(logger, claimed.PostId, misconfigured.Message);
                return PublishOutcome.Waiting;
            case ApiRejected { Class: FailureClass.Permission or FailureClass.Invalid } refused:
                var error = new PostError(refused.Class, refused.Message, now);
                return await FinishAsync(claimed, (e, at) => PostTransitions.Fail(e, at, holder, error), PublishOutcome.Failed, cancellationToken);
            case ApiRejected { Class: FailureClass.RateLimited } limited:
                await ReleaseAsync(claimed, holder, uncertain, new PostError(FailureClass.RateLimited, limited.Message, now), limited.RetryAt, cancellationToken,
                    hold: PostHolds.DailyLimit(limited, now, connection.TenantId));
                LogRateLimited(logger, claimed.PostId, limited.RetryAt);
                return PublishOutcome.Waiting;
            case PostAnswerLost unknown:
                await ReleaseAsync(claimed, holder, uncertain: true, new PostError(FailureClass.Transient, unknown.Reason, now), null, cancellationToken, answerLost: true);
                LogUnknown(logger, claimed.PostId, unknown.Reason);

                // No quick retry: LinkedIn may still be processing the first call, and the duplicate check that makes
                // the settling call safe only sees posts it has finished. The scan settles it after RedispatchAfter.
                return PublishOutcome.Waiting;
            case ApiRejected transient:
                await ReleaseAsync(claimed, holder, uncertain, new PostError(FailureClass.Transient, transient.Message, now), null, cancellationToken);
                LogRetryLater(logger, claimed.PostId, transient.Message);
                return PublishOutcome.RetryLater;
            default:
                throw new InvalidOperationException($"Unexpected LinkedIn result {result.GetType().Name}");
        }
    }

    private async Task<PublishOutcome> FinishAsync(
        PostEntry claimed, Func<PostEntry, DateTimeOffset, Change<PostEntry>?> finish, PublishOutcome outcome, CancellationToken cancellationToken)
    {
        if (!(await posts.UpdateAsync(claimed.PostId, finish, cancellationToken, claimed)).Changed)
        {
            // Our claim ran out and someone else took the post over; it will announce the outcome it reaches.
            LogClaimLost(logger, claimed.PostId);
            return PublishOutcome.NothingToDo;
        }

        return outcome;
    }

    private async Task<PublishOutcome> AwaitReauthAsync(PostEntry claimed, string holder, Connection connection, CancellationToken cancellationToken)
    {
        await posts.UpdateAsync(claimed.PostId, (e, now) => PostTransitions.AwaitReauth(e, now, holder, connection.Version, connection.TenantId),
            cancellationToken, claimed);
        LogAwaitingReauth(logger, claimed.PostId, claimed.ConnectionId, connection.Version);
        return PublishOutcome.Waiting;
    }

    /// <summary>Gives the claim back for the scan to dispatch at <paramref name="notBefore"/> (default: after RedispatchAfter).</summary>
    private async Task ReleaseAsync(
        PostEntry claimed, string holder, bool uncertain, PostError? error, DateTimeOffset? notBefore, CancellationToken cancellationToken,
        bool answerLost = false, PostHold? hold = null)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await posts.UpdateAsync(claimed.PostId, (e, now) =>
                PostTransitions.Release(e, now, holder, uncertain, error, notBefore ?? now + _options.RedispatchAfter, answerLost, hold), bounded.Token, claimed);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConcurrencyException)
        {
            // The claim runs out by itself and then counts as an unknown outcome: nothing is lost.
        }
    }

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

    [LoggerMessage(EventId = 524, Level = LogLevel.Warning, Message = "Post {PostId} is held: {Reason}; it is tried again once the configuration is fixed")]
    private static partial void LogHeldForConfiguration(ILogger logger, string postId, string reason);

    [LoggerMessage(EventId = 508, Level = LogLevel.Warning, Message = "Claim on post {PostId} ran out while LinkedIn answered; the new holder settles it")]
    private static partial void LogClaimLost(ILogger logger, string postId);
}
