using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;
using TokenWorkers.Runtime;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Refresh;

/// <summary>
/// One refresh of one connection: take the lease, exchange the refresh token at LinkedIn, store the outcome with its
/// events. Each step is a transition of <see cref="ConnectionTransitions"/> persisted by the one writer; only the lease
/// holder talks to LinkedIn, so a connection is exchanged once per due period however many instances race for it.
/// </summary>
public sealed partial class ConnectionRefresher(
    AggregateWriter<Connection> writer,
    AnswerWriter answers,
    ILinkedInOAuth linkedIn,
    RefreshSchedule schedule,
    WorkerIdentity identity,
    IReconnectLinks reconnectLinks,
    TokenWorkersMetrics metrics,
    LinkedInAppProblems appProblems,
    TimeProvider time,
    IOptions<RefreshOptions> options,
    ILogger<ConnectionRefresher> logger)
{
    private readonly RefreshOptions _options = options.Value;

    /// <summary>
    /// Refreshes the connection if it is active, not leased by a live holder and due: in its refresh window for a scheduled
    /// refresh, always for an operator's <see cref="AttemptTrigger.Forced"/> one.
    /// </summary>
    public Task<(RefreshOutcome Outcome, Connection? Connection)> RefreshAsync(
        string connectionId, AttemptTrigger trigger, CancellationToken cancellationToken) =>
        RefreshIfAsync(
            connectionId,
            trigger == AttemptTrigger.Forced ? (_, _) => true : (c, now) => schedule.RefreshAt(c, now) is not { } at || now >= at,
            trigger,
            cancellationToken);

    /// <summary>
    /// Refreshes the connection before a caller uses its access token, through the same lease, when
    /// <paramref name="needsRefresh"/> holds for the latest stored connection; so however many callers find the token
    /// expiring at once, one exchange happens and the rest see NotDue (already refreshed) or Leased (in progress).
    /// </summary>
    public Task<(RefreshOutcome Outcome, Connection? Connection)> RefreshBeforeUseAsync(
        string connectionId, Func<Connection, DateTimeOffset, bool> needsRefresh, CancellationToken cancellationToken) =>
        RefreshIfAsync(connectionId, needsRefresh, AttemptTrigger.BeforePost, cancellationToken);

    /// <summary>
    /// Replaces <paramref name="refused"/>, an access token LinkedIn answered 401 to, through the same lease, if it is still
    /// the stored one and the refresh token is live, even when the new token cannot outlive it.
    /// </summary>
    public Task<(RefreshOutcome Outcome, Connection? Connection)> ReplaceRefusedAsync(
        string connectionId, SecretToken refused, CancellationToken cancellationToken) =>
        RefreshWithLeaseAsync(
            connectionId,
            (c, now, holder) => (ConnectionTransitions.TakeLeaseToReplace(c, now, holder, _options.LeaseDuration, refused, out var refusal), refusal),
            AttemptTrigger.BeforePost,
            cancellationToken);

    private Task<(RefreshOutcome Outcome, Connection? Connection)> RefreshIfAsync(
        string connectionId, Func<Connection, DateTimeOffset, bool> due, AttemptTrigger trigger, CancellationToken cancellationToken) =>
        RefreshWithLeaseAsync(
            connectionId,
            (c, now, holder) => (ConnectionTransitions.TakeLease(c, now, holder, _options.LeaseDuration, due, out var refusal), refusal),
            trigger,
            cancellationToken);

    private async Task<(RefreshOutcome Outcome, Connection? Connection)> RefreshWithLeaseAsync(
        string connectionId,
        Func<Connection, DateTimeOffset, string, (Change<Connection>? Change, RefreshOutcome Refusal)> takeLease,
        AttemptTrigger trigger,
        CancellationToken cancellationToken)
    {
        var holder = identity.NewLeaseHolder();
        var refusal = RefreshOutcome.NotDue;
        var leased = await writer.UpdateAsync(
            connectionId,
            (c, now) =>
            {
                (var change, refusal) = takeLease(c, now, holder);
                return change;
            },
            cancellationToken);
        if (leased.Current is not { } connection)
        {
            throw new UnknownConnectionException(connectionId);
        }

        if (!leased.Changed)
        {
            LogSkipped(logger, connectionId, refusal, connection.Version);
            metrics.RefreshSkipped(refusal);
            return (refusal, connection);
        }

        var started = time.GetTimestamp();
        var attempt = new RefreshAttemptContext(holder, trigger, connection.RefreshToken!, connection.AccessToken);
        var result = await ExchangeAsync(connection, attempt, cancellationToken);
        metrics.RefreshAttempted(trigger, result.Item1, time.GetElapsedTime(started), connection.App);
        return result;
    }

    private async Task<(RefreshOutcome, Connection?)> ExchangeAsync(Connection leased, RefreshAttemptContext attempt, CancellationToken cancellationToken)
    {
        TokenResult result;
        try
        {
            result = await linkedIn.RefreshAsync(leased.App, attempt.UsedRefreshToken, cancellationToken);
        }
        catch (LinkedInTransportException ex)
        {
            result = new TokenFailed(FailureClass.Transient, null, ex.Message, null);
        }
        catch (OperationCanceledException)
        {
            // Shutting down mid-call: give the lease back so another instance need not wait for it to expire.
            await writer.ReleaseLeaseAsync(leased.ConnectionId, attempt.Holder);
            throw;
        }

        // LinkedIn has answered: from here on the caller's cancellation no longer applies (see AnswerWriter).
        return result switch
        {
            TokenGranted granted => await CommitAsync(leased, attempt, granted),
            TokenFailed { Class: FailureClass.Reauth } failed => await RejectAsync(leased, attempt, failed),
            TokenFailed failed => await RecordFailureAsync(leased, attempt, failed),
            _ => throw new InvalidOperationException($"Unexpected token result {result.GetType().Name}"),
        };
    }

    private async Task<(RefreshOutcome, Connection?)> CommitAsync(Connection leased, RefreshAttemptContext attempt, TokenGranted granted)
    {
        if (granted.Clamped is { } clamped)
        {
            LogLifetimeClamped(logger, leased.ConnectionId, clamped);
        }

        var grant = granted.ToGrant();
        // Continues from the document the lease wrote: no read unless someone wrote meanwhile.
        var outcome = await answers.WriteAsync(
            leased, (c, now) => ConnectionTransitions.Refreshed(c, now, attempt, grant, schedule),
            AnswerFingerprints.Of(attempt.UsedRefreshToken, granted.AccessToken, granted.RefreshToken));
        if (!outcome.Changed)
        {
            LogLeaseLost(logger, leased.ConnectionId);
            return (RefreshOutcome.LeaseLost, outcome.Current);
        }

        var stored = outcome.Current!;
        if (appProblems.Works(leased.App))
        {
            LogAppWorks(logger, leased.App);
        }

        var rotated = granted.RefreshToken is not null && !granted.RefreshToken.Equals(attempt.UsedRefreshToken);
        LogRefreshed(logger, stored.ConnectionId, stored.Version, stored.AccessTokenExpiresAt, rotated, granted.RefreshToken is null);
        return (RefreshOutcome.Refreshed, stored);
    }

    private async Task<(RefreshOutcome, Connection?)> RejectAsync(Connection leased, RefreshAttemptContext attempt, TokenFailed failed)
    {
        var lostRace = false;
        var link = reconnectLinks.LinkFor(leased.ConnectionId, leased.TenantId);
        var outcome = await answers.WriteAsync(
            leased,
            (c, now) => ConnectionTransitions.Rejected(c, now, attempt, failed.ErrorCode, failed.Description, link, out lostRace),
            AnswerFingerprints.Of(attempt.UsedRefreshToken));
        if (lostRace)
        {
            LogLostRace(logger, leased.ConnectionId, failed.ErrorCode);
            return (RefreshOutcome.LostRace, outcome.Current);
        }

        LogReauthRequired(logger, leased.ConnectionId, outcome.Current?.Version ?? leased.Version, failed.ErrorCode);
        return (RefreshOutcome.ReauthRequired, outcome.Current);
    }

    private async Task<(RefreshOutcome, Connection?)> RecordFailureAsync(Connection leased, RefreshAttemptContext attempt, TokenFailed failed)
    {
        var failure = new RefreshFailure(failed.Class, failed.ErrorCode, failed.Description);
        var outcome = await answers.WriteAsync(
            leased,
            (c, now) => ConnectionTransitions.Failed(c, now, attempt, failure, RetryAt(failed, c.FailureCount + 1, now), schedule),
            AnswerFingerprints.Of(attempt.UsedRefreshToken));

        var stored = outcome.Current;
        switch (failed.Class)
        {
            case FailureClass.RateLimited:
                LogRateLimited(logger, leased.ConnectionId, stored?.NextRefreshAt);
                return (RefreshOutcome.RateLimited, stored);
            case FailureClass.Configuration or FailureClass.Permission:
                // One broken app is one problem: said loudly once, then only per connection at a lower level.
                if (appProblems.Broken(leased.App, failed.ErrorCode, failed.Description))
                {
                    LogAppBroken(logger, leased.App, failed.ErrorCode, failed.Description);
                }

                LogConfigurationFailure(logger, leased.ConnectionId, leased.App, failed.ErrorCode, failed.Description);
                return (RefreshOutcome.ConfigurationFailure, stored);
            default:
                LogTransientFailure(logger, leased.ConnectionId, stored?.FailureCount ?? 0, failed.Description, stored?.NextRefreshAt);
                return (RefreshOutcome.TransientFailure, stored);
        }
    }

    private DateTimeOffset RetryAt(TokenFailed failed, int failures, DateTimeOffset now) => failed.Class switch
    {
        FailureClass.RateLimited => failed.RetryAt ?? now + schedule.BackoffAfter(failures),
        FailureClass.Configuration or FailureClass.Permission => now + _options.ConfigurationRetryDelay,
        _ => now + schedule.BackoffAfter(failures),
    };

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Refresh of {ConnectionId} skipped: {Outcome} (version {Version})")]
    private static partial void LogSkipped(ILogger logger, string connectionId, RefreshOutcome outcome, long version);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information,
        Message = "Refreshed {ConnectionId} to version {Version}; access token expires {AccessTokenExpiresAt:o}; refresh token rotated {Rotated}, omitted {Omitted}")]
    private static partial void LogRefreshed(ILogger logger, string connectionId, long version, DateTimeOffset? accessTokenExpiresAt, bool rotated, bool omitted);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Connection {ConnectionId} needs the member to log in again: LinkedIn answered {ErrorCode} (version {Version})")]
    private static partial void LogReauthRequired(ILogger logger, string connectionId, long version, string? errorCode);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Connection {ConnectionId} was refreshed by someone else first; LinkedIn's {ErrorCode} for our stale refresh token is not a revocation")]
    private static partial void LogLostRace(ILogger logger, string connectionId, string? errorCode);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Refresh of {ConnectionId} failed transiently ({FailureCount} in a row): {Reason}; next attempt at {NextAttemptAt:o}")]
    private static partial void LogTransientFailure(ILogger logger, string connectionId, int failureCount, string reason, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Refresh of {ConnectionId} was rate limited by LinkedIn; next attempt at {NextAttemptAt:o}")]
    private static partial void LogRateLimited(ILogger logger, string connectionId, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning,
        Message = "Refresh of {ConnectionId} failed on its LinkedIn app {App} ({ErrorCode}): {Reason}; tokens kept, members are not asked to log in again")]
    private static partial void LogConfigurationFailure(ILogger logger, string connectionId, string app, string? errorCode, string reason);

    [LoggerMessage(EventId = 112, Level = LogLevel.Critical,
        Message = "LinkedIn app {App} is misconfigured ({ErrorCode}): {Reason}. Check its client id and secret (LinkedIn:Apps:{App}:ClientId and ClientSecret; for the default app LinkedIn:ClientId and LinkedIn:ClientSecret); only its connections are affected and none is asked to log in again")]
    private static partial void LogAppBroken(ILogger logger, string app, string? errorCode, string reason);

    [LoggerMessage(EventId = 113, Level = LogLevel.Information, Message = "LinkedIn app {App} works again")]
    private static partial void LogAppWorks(ILogger logger, string app);

    [LoggerMessage(EventId = 108, Level = LogLevel.Warning,
        Message = "LinkedIn's answer for {ConnectionId} gave a lifetime beyond the documented maximum ({Clamped}); stored with the maximum instead")]
    private static partial void LogLifetimeClamped(ILogger logger, string connectionId, string clamped);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Lease on {ConnectionId} was lost while LinkedIn answered and newer tokens were stored meanwhile; this attempt's tokens were not stored")]
    private static partial void LogLeaseLost(ILogger logger, string connectionId);
}
