using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Connections;

/// <summary>
/// Every state change of a connection, as pure functions: the current state, the time and the inputs in; the next
/// state and the events it raises out (or null when nothing should change). No store, bus or clock is touched here,
/// so the rules (lease, lifetimes, countdown, event ids) are tested on their own; <c>AggregateWriter</c> persists them.
/// </summary>
public static partial class ConnectionTransitions
{
    /// <summary>
    /// Takes the refresh lease when the connection is active, can be extended, is <paramref name="due"/> and no live
    /// holder has it; otherwise null, with the reason in <paramref name="refusal"/>.
    /// </summary>
    public static Change<Connection>? TakeLease(
        Connection c, DateTimeOffset now, string holder, TimeSpan leaseFor, Func<Connection, DateTimeOffset, bool> due, out RefreshOutcome refusal)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(due);
        if (c.Status != ConnectionStatus.Active)
        {
            refusal = RefreshOutcome.NotActive;
            return null;
        }

        if (!RefreshSchedule.CanExtend(c, now) || !due(c, now))
        {
            refusal = RefreshOutcome.NotDue;
            return null;
        }

        refusal = RefreshOutcome.Leased;
        return Lease(c, now, holder, leaseFor);
    }

    /// <summary>
    /// Takes the refresh lease to replace <paramref name="refused"/>, an access token LinkedIn answered 401 to, while it is
    /// still the stored one. Unlike <see cref="TakeLease"/> it asks only that the refresh token be live, not that a refresh
    /// extend anything: a refresh whose answer was lost (processed after the caller gave up) leaves LinkedIn holding a newer
    /// access token than the store, and the stored one revoked, even when it already ends with the refresh token.
    /// </summary>
    public static Change<Connection>? TakeLeaseToReplace(
        Connection c, DateTimeOffset now, string holder, TimeSpan leaseFor, SecretToken refused, out RefreshOutcome refusal)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Status != ConnectionStatus.Active)
        {
            refusal = RefreshOutcome.NotActive;
            return null;
        }

        if (!RefreshSchedule.CanReplace(c, now) || !Equals(c.AccessToken, refused))
        {
            refusal = RefreshOutcome.NotDue;
            return null;
        }

        refusal = RefreshOutcome.Leased;
        return Lease(c, now, holder, leaseFor);
    }

    /// <summary>The lease for <paramref name="holder"/>, unless another holder's lease is still live.</summary>
    public static Change<Connection>? Lease(Connection c, DateTimeOffset now, string holder, TimeSpan leaseFor)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c.Lease is { } lease && lease.Until > now ? null : new(c with { Lease = new Lease(holder, now + leaseFor) });
    }

    /// <summary>Gives <paramref name="holder"/>'s lease back (after a cancelled or failed call); null when it is not theirs.</summary>
    public static Change<Connection>? ReleaseLease(Connection c, string holder)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c.Lease?.Holder == holder ? new(c with { Lease = null }) : null;
    }

    /// <summary>
    /// Stores the tokens of a refresh made with <paramref name="used"/>. Null when the lease was lost and newer tokens were
    /// stored meanwhile; when the lease was lost but nobody stored newer tokens, ours are still the newest and discarding
    /// them could lose a rotated refresh token, so they are stored and the new holder keeps its lease.
    /// </summary>
    public static Change<Connection>? Refreshed(
        Connection c, DateTimeOffset now, RefreshAttemptContext attempt, TokenGrant grant, RefreshSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(schedule);
        var leaseKept = c.Lease?.Holder == attempt.Holder;
        if (!leaseKept && !attempt.StillHolds(c))
        {
            return null;
        }

        // The hard end is learnt once, from the first grant that states it, and never moved afterwards.
        var hardEnd = (c.RefreshTokenExpiresAt ?? grant.RefreshTokenEndsAt).ToStoredPrecision();
        var refreshed = c with
        {
            AccessToken = grant.AccessToken,
            // LinkedIn may omit the refresh token: never store "nothing" over the one we have.
            RefreshToken = grant.RefreshToken ?? c.RefreshToken,
            AccessTokenExpiresAt = Lifetimes.AccessExpiry(grant.AccessTokenExpiresAt, hardEnd),
            RefreshTokenExpiresAt = hardEnd,
            Scopes = grant.Scopes.Count > 0 ? grant.Scopes : c.Scopes,
            LastRefreshedAt = now,
            Lease = leaseKept ? null : c.Lease,
            Status = ConnectionStatus.Active,
            FailureCount = 0,
            LastFailure = null,
            ProblemSince = null,
        };
        refreshed = refreshed with { NextRefreshAt = schedule.NextCheckAt(refreshed, now) };

        var version = c.Version + 1;
        var rotated = grant.RefreshToken is not null && !grant.RefreshToken.Equals(attempt.UsedRefreshToken);
        var events = new List<object> { ConnectionEvents.TokenRefreshed(refreshed, version, now, rotated) };
        if (c.ProblemSince is not null || c.FailureCount > 0)
        {
            events.Add(ConnectionEvents.ConnectionRecovered(c, version, now));
        }

        return new(refreshed.WithAttempt(attempt.Entry(now, AttemptOutcome.Refreshed, null, version)), events, []);
    }

    /// <summary>
    /// LinkedIn rejected the grant. If the tokens moved meanwhile, someone else refreshed or reconnected and LinkedIn
    /// rejected a refresh token that is no longer ours to judge (<paramref name="lostRace"/>): only our lease is released.
    /// Otherwise the member must log in again: ReauthRequired.
    /// </summary>
    public static Change<Connection>? Rejected(
        Connection c, DateTimeOffset now, RefreshAttemptContext attempt, string? errorCode, string description, Uri? reconnectLink, out bool lostRace)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(attempt);
        var version = c.Version + 1;
        lostRace = !attempt.StillHolds(c) || c.Status != ConnectionStatus.Active;
        if (lostRace)
        {
            return c.Lease?.Holder == attempt.Holder
                ? new((c with { Lease = null }).WithAttempt(attempt.Entry(now, AttemptOutcome.Superseded, errorCode, version)))
                : null;
        }

        var dead = c with
        {
            Status = ConnectionStatus.ReauthRequired,
            Lease = null,
            NextRefreshAt = null,
            FailureCount = c.FailureCount + 1,
            LastFailure = new ConnectionFailure(FailureClass.Reauth, errorCode, description, now),
            ProblemSince = c.ProblemSince ?? now,
        };
        return new(
            dead.WithAttempt(attempt.Entry(now, AttemptOutcome.Reauth, errorCode, version)),
            ConnectionEvents.ReauthRequired(c, version, now, ReauthReason.GrantRejected, errorCode, reconnectLink));
    }

    /// <summary>
    /// A refresh failed without judging the grant (transient, rate limited, configuration, permission): the tokens stay,
    /// the failure is recorded and the next attempt waits until <paramref name="retryAt"/>. Null when the lease is not ours.
    /// </summary>
    public static Change<Connection>? Failed(
        Connection c, DateTimeOffset now, RefreshAttemptContext attempt, RefreshFailure failure, DateTimeOffset retryAt, RefreshSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentNullException.ThrowIfNull(schedule);
        if (c.Lease?.Holder != attempt.Holder)
        {
            return null;
        }

        var failed = c with
        {
            Lease = null,
            FailureCount = c.FailureCount + 1,
            LastFailure = new ConnectionFailure(failure.Class, failure.ErrorCode, failure.Description, now),
            ProblemSince = c.ProblemSince ?? now,
        };
        failed = failed with { NextRefreshAt = schedule.NextCheckAt(failed, now, retryAt) };
        return new(failed.WithAttempt(attempt.Entry(now, AttemptOutcomes.Of(failure.Class), failure.ErrorCode, c.Version + 1)));
    }
}

/// <summary>A failed LinkedIn call that does not judge the grant, without any secret.</summary>
public sealed record RefreshFailure(FailureClass Class, string? ErrorCode, string Description);

/// <summary>
/// Who is refreshing (the lease holder), why, and with which tokens: what the outcome's transition needs to tell a
/// lost lease or a lost race from its own result.
/// </summary>
public sealed record RefreshAttemptContext(string Holder, AttemptTrigger Trigger, SecretToken UsedRefreshToken, SecretToken? UsedAccessToken)
{
    /// <summary>True while the stored tokens are still the ones this attempt started from.</summary>
    public bool StillHolds(Connection c) =>
        c is not null && Equals(c.RefreshToken, UsedRefreshToken) && Equals(c.AccessToken, UsedAccessToken);

    public RefreshAttempt Entry(DateTimeOffset at, AttemptOutcome outcome, string? errorCode, long version) =>
        new(at, Trigger, outcome, errorCode, version);
}
