using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Outbox;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Refresh;

/// <summary>
/// One refresh of one connection: lease by compare-and-swap, exchange the refresh token at LinkedIn,
/// commit by compare-and-swap with the events in the same write. Only the lease holder talks to
/// LinkedIn, so a connection is exchanged once per due period however many instances race for it.
/// </summary>
public sealed partial class ConnectionRefresher(
    IConnectionStore store,
    LinkedInOAuthClient linkedIn,
    RefreshSchedule schedule,
    WorkerIdentity identity,
    IReconnectLinks reconnectLinks,
    TokenWorkersMetrics metrics,
    TimeProvider time,
    IOptions<RefreshOptions> options,
    ILogger<ConnectionRefresher> logger)
{
    private readonly RefreshOptions _options = options.Value;

    /// <summary>
    /// Refreshes the connection if it is due (or <paramref name="force"/>), active and not leased by a live holder.
    /// <paramref name="triggerEventId"/> is the RefreshDue being handled: it leaves the outbox with the lease write.
    /// </summary>
    public Task<(RefreshOutcome Outcome, Connection? Connection)> RefreshAsync(
        string connectionId, bool force, Guid? triggerEventId, CancellationToken cancellationToken) =>
        RefreshIfAsync(
            connectionId,
            (c, now) => force || schedule.RefreshAt(c, now) is not { } at || now >= at,
            triggerEventId,
            force ? AttemptTrigger.Forced : AttemptTrigger.Scheduled,
            cancellationToken);

    /// <summary>
    /// Refreshes the connection before a caller uses its access token (posting), through the same lease and
    /// compare-and-swap path, when <paramref name="needsRefresh"/> holds for the latest stored connection; so
    /// however many callers find the token expiring at once, one exchange happens and the rest see
    /// <see cref="RefreshOutcome.NotDue"/> (already refreshed) or <see cref="RefreshOutcome.Leased"/> (in progress).
    /// </summary>
    public Task<(RefreshOutcome Outcome, Connection? Connection)> RefreshBeforeUseAsync(
        string connectionId, Func<Connection, DateTimeOffset, bool> needsRefresh, CancellationToken cancellationToken) =>
        RefreshIfAsync(connectionId, needsRefresh, null, AttemptTrigger.BeforePost, cancellationToken);

    private async Task<(RefreshOutcome Outcome, Connection? Connection)> RefreshIfAsync(
        string connectionId,
        Func<Connection, DateTimeOffset, bool> due,
        Guid? triggerEventId,
        AttemptTrigger trigger,
        CancellationToken cancellationToken)
    {
        var holder = identity.NewLeaseHolder();
        var skipped = RefreshOutcome.NotDue;
        var leased = await store.UpdateAsync(connectionId, c =>
        {
            var now = time.GetUtcNow();
            if (c.Status != ConnectionStatus.Active)
            {
                skipped = RefreshOutcome.NotActive;
                return null;
            }

            if (!RefreshSchedule.CanExtend(c, now) || !due(c, now))
            {
                skipped = RefreshOutcome.NotDue;
                return null;
            }

            if (c.Lease is { } lease && lease.Until > now)
            {
                skipped = RefreshOutcome.Leased;
                return null;
            }

            return c with
            {
                Lease = new Lease(holder, now + _options.LeaseDuration),
                PendingEvents = c.PendingEvents.Where(e => e.EventId != triggerEventId).ToArray(),
            };
        }, cancellationToken);

        if (leased.Connection is null)
        {
            throw new UnknownConnectionException(connectionId);
        }

        if (!leased.Written)
        {
            LogSkipped(logger, connectionId, skipped, leased.Connection.Version);
            metrics.RefreshSkipped(skipped);
            return (skipped, leased.Connection);
        }

        var started = time.GetTimestamp();
        var result = await ExchangeAsync(leased.Connection, new Attempt(holder, trigger), cancellationToken);
        metrics.RefreshAttempted(trigger, result.Item1, time.GetElapsedTime(started));
        return result;
    }

    private async Task<(RefreshOutcome, Connection?)> ExchangeAsync(Connection leased, Attempt attempt, CancellationToken cancellationToken)
    {
        var holder = attempt.Holder;
        var refreshToken = leased.RefreshToken!;
        TokenResult result;
        try
        {
            result = await linkedIn.RefreshAsync(refreshToken, cancellationToken);
        }
        catch (LinkedInTransportException ex)
        {
            result = new TokenFailed(FailureClass.Transient, null, ex.Message, null);
        }
        catch (OperationCanceledException)
        {
            // Shutting down mid-call: give the lease back so another instance need not wait for it to expire.
            await store.ReleaseLeaseAsync(leased.ConnectionId, holder);
            throw;
        }

        return result switch
        {
            TokenGranted granted => await CommitAsync(leased, attempt, refreshToken, granted, cancellationToken),
            TokenFailed { Class: FailureClass.Reauth } failed => await RejectAsync(leased, attempt, refreshToken, failed, cancellationToken),
            TokenFailed failed => await RecordFailureAsync(leased.ConnectionId, attempt, failed, cancellationToken),
            _ => throw new InvalidOperationException($"Unexpected token result {result.GetType().Name}"),
        };
    }

    private async Task<(RefreshOutcome, Connection?)> CommitAsync(
        Connection leased, Attempt attempt, SecretToken usedRefreshToken, TokenGranted granted, CancellationToken cancellationToken)
    {
        var holder = attempt.Holder;
        var rotated = granted.RefreshToken is not null && !granted.RefreshToken.Equals(usedRefreshToken);
        var outcome = await store.UpdateAsync(leased.ConnectionId, c =>
        {
            var leaseKept = c.Lease?.Holder == holder;
            // We outlived our lease. If nobody stored newer tokens meanwhile, ours are still the newest and
            // discarding them could lose a rotated refresh token; store them and leave the new holder's lease.
            var tokensUnchanged = Equals(c.RefreshToken, usedRefreshToken) && Equals(c.AccessToken, leased.AccessToken);
            if (!leaseKept && !tokensUnchanged)
            {
                return null;
            }

            var now = time.GetUtcNow();
            // The hard end is learnt once, from the first grant that states it, and never moved afterwards.
            var hardEnd = c.RefreshTokenExpiresAt ??
                          (granted.RefreshTokenExpiresIn is { } left ? granted.RequestedAt + left : null);
            var accessExpiry = (hardEnd is { } end && granted.AccessTokenExpiresAt > end ? end : granted.AccessTokenExpiresAt).ToStoredPrecision();
            hardEnd = hardEnd.ToStoredPrecision();
            var refreshed = c with
            {
                AccessToken = granted.AccessToken,
                // LinkedIn may omit the refresh token: never store "nothing" over the one we have.
                RefreshToken = granted.RefreshToken ?? c.RefreshToken,
                AccessTokenExpiresAt = accessExpiry,
                RefreshTokenExpiresAt = hardEnd,
                Scopes = granted.Scopes.Count > 0 ? granted.Scopes : c.Scopes,
                LastRefreshedAt = now,
                Lease = leaseKept ? null : c.Lease,
                Status = ConnectionStatus.Active,
                FailureCount = 0,
                LastFailure = null,
                ProblemSince = null,
            };
            refreshed = refreshed with { NextRefreshAt = schedule.NextCheckAt(refreshed, now) };

            var version = c.Version + 1;
            var events = new List<IConnectionEvent> { ConnectionEvents.TokenRefreshed(refreshed, version, now, rotated) };
            if (c.ProblemSince is not null || c.FailureCount > 0)
            {
                events.Add(ConnectionEvents.ConnectionRecovered(c, version, now));
            }

            return refreshed.WithEvents([.. events]).WithAttempt(attempt.Entry(now, AttemptOutcome.Refreshed, null, version));
        }, cancellationToken);

        if (!outcome.Written)
        {
            LogLeaseLost(logger, leased.ConnectionId);
            return (RefreshOutcome.LeaseLost, outcome.Connection);
        }

        var stored = outcome.Connection!;
        LogRefreshed(logger, stored.ConnectionId, stored.Version, stored.AccessTokenExpiresAt, rotated,
            granted.RefreshToken is null);
        return (RefreshOutcome.Refreshed, stored);
    }

    private async Task<(RefreshOutcome, Connection?)> RejectAsync(
        Connection leased, Attempt attempt, SecretToken usedRefreshToken, TokenFailed failed, CancellationToken cancellationToken)
    {
        var holder = attempt.Holder;
        var lostRace = false;
        var outcome = await store.UpdateAsync(leased.ConnectionId, c =>
        {
            var now = time.GetUtcNow();
            // Re-read before blaming the member: if the tokens moved, someone else refreshed or reconnected,
            // and LinkedIn rejected a refresh token that is no longer ours to judge.
            lostRace = !Equals(c.RefreshToken, usedRefreshToken) || !Equals(c.AccessToken, leased.AccessToken) ||
                       c.Status != ConnectionStatus.Active;
            if (lostRace)
            {
                return c.Lease?.Holder == holder
                    ? (c with { Lease = null }).WithAttempt(attempt.Entry(now, AttemptOutcome.Superseded, failed.ErrorCode, c.Version + 1))
                    : null;
            }

            var version = c.Version + 1;
            var dead = c with
            {
                Status = ConnectionStatus.ReauthRequired,
                Lease = null,
                NextRefreshAt = null,
                FailureCount = c.FailureCount + 1,
                LastFailure = new ConnectionFailure(FailureClass.Reauth, failed.ErrorCode, failed.Description, now),
                ProblemSince = c.ProblemSince ?? now,
            };
            return dead.WithEvents(ConnectionEvents.ReauthRequired(
                c, version, now, ReauthReason.GrantRejected, failed.ErrorCode, reconnectLinks.LinkFor(c.ConnectionId, c.TenantId)))
                .WithAttempt(attempt.Entry(now, AttemptOutcome.Reauth, failed.ErrorCode, version));
        }, cancellationToken);

        if (lostRace)
        {
            LogLostRace(logger, leased.ConnectionId, failed.ErrorCode);
            return (RefreshOutcome.LostRace, outcome.Connection);
        }

        LogReauthRequired(logger, leased.ConnectionId, outcome.Connection?.Version ?? leased.Version, failed.ErrorCode);
        return (RefreshOutcome.ReauthRequired, outcome.Connection);
    }

    private async Task<(RefreshOutcome, Connection?)> RecordFailureAsync(
        string connectionId, Attempt attempt, TokenFailed failed, CancellationToken cancellationToken)
    {
        var outcome = await store.UpdateAsync(connectionId, c =>
        {
            if (c.Lease?.Holder != attempt.Holder)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var failures = c.FailureCount + 1;
            var retryAt = failed.Class switch
            {
                FailureClass.RateLimited => failed.RetryAt ?? now + schedule.BackoffAfter(failures),
                FailureClass.Configuration or FailureClass.Permission => now + _options.ConfigurationRetryDelay,
                _ => now + schedule.BackoffAfter(failures),
            };
            var failedState = c with
            {
                Lease = null,
                FailureCount = failures,
                LastFailure = new ConnectionFailure(failed.Class, failed.ErrorCode, failed.Description, now),
                ProblemSince = c.ProblemSince ?? now,
            };
            return (failedState with { NextRefreshAt = schedule.NextCheckAt(failedState, now, retryAt) })
                .WithAttempt(attempt.Entry(now, AttemptOutcomes.Of(failed.Class), failed.ErrorCode, c.Version + 1));
        }, cancellationToken);

        var stored = outcome.Connection;
        switch (failed.Class)
        {
            case FailureClass.RateLimited:
                LogRateLimited(logger, connectionId, stored?.NextRefreshAt);
                return (RefreshOutcome.RateLimited, stored);
            case FailureClass.Configuration or FailureClass.Permission:
                LogConfigurationFailure(logger, connectionId, failed.ErrorCode, failed.Description);
                return (RefreshOutcome.ConfigurationFailure, stored);
            default:
                LogTransientFailure(logger, connectionId, stored?.FailureCount ?? 0, failed.Description, stored?.NextRefreshAt);
                return (RefreshOutcome.TransientFailure, stored);
        }
    }

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

    [LoggerMessage(EventId = 106, Level = LogLevel.Critical, Message = "LinkedIn rejected the application itself while refreshing {ConnectionId} ({ErrorCode}): {Reason}. Check LinkedIn:ClientId and LinkedIn:ClientSecret; members are not asked to log in again")]
    private static partial void LogConfigurationFailure(ILogger logger, string connectionId, string? errorCode, string reason);

    [LoggerMessage(EventId = 107, Level = LogLevel.Warning, Message = "Lease on {ConnectionId} was lost while LinkedIn answered and newer tokens were stored meanwhile; this attempt's tokens were not stored")]
    private static partial void LogLeaseLost(ILogger logger, string connectionId);
}

/// <summary>Who is attempting (the lease holder) and why, for the timeline entry the outcome is stored with.</summary>
internal readonly record struct Attempt(string Holder, AttemptTrigger Trigger)
{
    public RefreshAttempt Entry(DateTimeOffset at, AttemptOutcome outcome, string? errorCode, long version) =>
        new(at, Trigger, outcome, errorCode, version);
}

/// <summary>A message names a connection the store does not know: the message is invalid, not the store.</summary>
public sealed class UnknownConnectionException : Exception
{
    public UnknownConnectionException()
    {
    }

    public UnknownConnectionException(string connectionId)
        : base($"Connection '{connectionId}' does not exist.")
    {
        ConnectionId = connectionId;
    }

    public UnknownConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? ConnectionId { get; }
}
