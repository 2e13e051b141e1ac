using TokenWorkers.Contracts;

namespace TokenWorkers.Connections;

public static partial class ConnectionTransitions
{
    /// <summary>
    /// The refresh scan's decision for a connection whose next check is due: declare it dead (ReauthRequired), warn
    /// (ReauthSoon), and/or claim it for a refresh. The claim moves the next check past <paramref name="claimTimeout"/>
    /// so another scan does not dispatch it again, and announces <see cref="RefreshDue"/> as a notice, not an outbox
    /// event: if the message is lost, the claim lapses and the connection is dispatched again. Null when not due.
    /// </summary>
    public static Events.Change<Connection>? Scan(
        Connection c, DateTimeOffset now, RefreshSchedule schedule, TimeSpan claimTimeout, Uri? reconnectLink)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(schedule);
        if (c.NextRefreshAt is not { } checkAt || checkAt > now)
        {
            return null;
        }

        if (c.Status != ConnectionStatus.Active)
        {
            return new(c with { NextRefreshAt = null });
        }

        var version = c.Version + 1;
        if (RefreshSchedule.Deadline(c) is { } deadline && now >= deadline.At && !RefreshSchedule.CanExtend(c, now))
        {
            // Nothing can save it any more: the access token is dead or dies with the refresh token.
            var dead = c with
            {
                Status = ConnectionStatus.ReauthRequired,
                NextRefreshAt = null,
                Lease = null,
                FailureCount = c.FailureCount + 1,
                LastFailure = new ConnectionFailure(FailureClass.Reauth, null, Describe(deadline.Reason), now),
                ProblemSince = c.ProblemSince ?? now,
            };
            return new(dead, ConnectionEvents.ReauthRequired(c, version, now, deadline.Reason, null, reconnectLink));
        }

        var next = c;
        var events = new List<object>(1);
        if (schedule.WarningDue(c, now) is { } warning && RefreshSchedule.Deadline(c) is { } warnFor)
        {
            next = next with { ReauthWarningsSent = warning.SentAfter, WarningDeadline = warnFor.At };
            events.Add(ConnectionEvents.ReauthSoon(c, version, now, warnFor.Reason, warnFor.At, warning.DaysBefore, reconnectLink));
        }

        var notices = new List<object>(1);
        DateTimeOffset? claimedUntil = null;
        if (schedule.RefreshAt(c, now) is { } refreshAt && now >= refreshAt)
        {
            claimedUntil = now + claimTimeout;
            notices.Add(ConnectionEvents.RefreshDue(c, version, now, c.FailureCount > 0 ? RefreshTriggers.Retry : RefreshTriggers.Scheduled));
        }

        return new(next with { NextRefreshAt = schedule.NextCheckAt(next, now, claimedUntil) }, events, notices);
    }

    private static string Describe(ReauthReason reason) => reason switch
    {
        ReauthReason.RefreshTokenEnding => "The refresh token reached its hard end; the member must log in again",
        ReauthReason.NoRefreshToken => "The access token expired and the application has no programmatic refresh",
        _ => "The grant can no longer be refreshed",
    };
}
