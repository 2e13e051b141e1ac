using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Connections;

public static partial class ConnectionTransitions
{
    /// <summary>
    /// The member authorized the app: a new connection (version 1), or new tokens for an existing one of the same
    /// tenant and the same member, which keeps its id, creation time, timeline and unsent events. Null with a
    /// <paramref name="problem"/> when the connection belongs to another tenant or another member.
    /// </summary>
    public static Change<Connection>? Authorize(
        Connection? existing, ConnectRequestFacts request, TokenGrant grant, DateTimeOffset now, RefreshSchedule schedule, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fresh = NewConnections.FromGrant(request.ConnectionId, request.TenantId, grant, schedule, now, request.MemberUrn, request.App);
        problem = null;
        if (request.ReconnectOnly && existing?.MemberUrn is null)
        {
            problem = "This link can only reconnect an existing connection to its own member. Nothing was changed: " +
                      "start from the page that sent you here to get a new link.";
            return null;
        }

        if (existing is null)
        {
            return new(fresh.WithAttempt(Connected(now, 1)), ConnectionEvents.Authorized(fresh, 1, now, reconnected: false));
        }

        if (existing.TenantId != request.TenantId)
        {
            problem = "This connection belongs to another tenant. Nothing was changed.";
            return null;
        }

        // A connection belongs to its member: whoever holds a reconnect link must still be that member at LinkedIn.
        if (existing.MemberUrn is { } member && !string.Equals(member, request.MemberUrn, StringComparison.Ordinal))
        {
            problem = "You signed in to LinkedIn as a different member than the one this connection belongs to. Nothing was changed: " +
                      "sign in as that member, or ask an operator to release the connection first.";
            return null;
        }

        var version = existing.Version + 1;
        var reconnected = fresh with
        {
            CreatedAt = existing.CreatedAt,
            PendingEvents = existing.PendingEvents,
            Attempts = existing.Attempts,
            Version = existing.Version,
        };
        return new(reconnected.WithAttempt(Connected(now, version)), ConnectionEvents.Authorized(reconnected, version, now, reconnected: true));
    }

    /// <summary>
    /// The tokens were revoked at LinkedIn under <paramref name="holder"/>'s lease: wipe them, stop refreshing and
    /// announce ConnectionDisconnected. Null when the lease is no longer the holder's.
    /// </summary>
    public static Change<Connection>? Disconnected(Connection c, DateTimeOffset now, string holder, string? reason, Uri? reconnectLink)
    {
        ArgumentNullException.ThrowIfNull(c);
        if (c.Lease?.Holder != holder)
        {
            return null;
        }

        var version = c.Version + 1;
        var disconnected = c with
        {
            Status = ConnectionStatus.Disconnected,
            AccessToken = null,
            RefreshToken = null,
            AccessTokenExpiresAt = null,
            RefreshTokenExpiresAt = null,
            NextRefreshAt = null,
            Lease = null,
            FailureCount = 0,
            LastFailure = null,
            ProblemSince = null,
            ReauthWarningsSent = [],
            WarningDeadline = null,
        };
        return new(
            disconnected.WithAttempt(new RefreshAttempt(now, AttemptTrigger.Disconnect, AttemptOutcome.Disconnected, null, version)),
            ConnectionEvents.Disconnected(c, version, now, reason, reconnectLink));
    }

    /// <summary>
    /// An operator releases the connection from its member, so that the next reconnect may bind another one. Only a
    /// connection that is not active (awaiting re-authorization or disconnected): an active one would learn its member
    /// again at the next post. Null when it is active or has no member.
    /// </summary>
    public static Change<Connection>? ReleaseMember(Connection c, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c.Status == ConnectionStatus.Active || c.MemberUrn is null ? null : new(c with { MemberUrn = null });
    }

    /// <summary>
    /// LinkedIn answered 401 to <paramref name="refused"/> and the refresh path could not replace it: the member must log in
    /// again. Null when the connection is no longer active or already holds another token (someone refreshed or reconnected
    /// meanwhile, and that token deserves its own try).
    /// </summary>
    public static Change<Connection>? AccessRejected(Connection c, DateTimeOffset now, SecretToken refused, string? errorCode, Uri? reconnectLink)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(refused);
        if (c.Status != ConnectionStatus.Active || !refused.Equals(c.AccessToken))
        {
            return null;
        }

        var version = c.Version + 1;
        var dead = c with
        {
            Status = ConnectionStatus.ReauthRequired,
            NextRefreshAt = null,
            FailureCount = c.FailureCount + 1,
            LastFailure = new ConnectionFailure(FailureClass.Reauth, errorCode, "LinkedIn refused the access token and refreshing could not replace it.", now),
            ProblemSince = c.ProblemSince ?? now,
        };
        return new(dead, ConnectionEvents.ReauthRequired(c, version, now, ReauthReason.AccessTokenRejected, errorCode, reconnectLink));
    }

    /// <summary>Records the author learnt from LinkedIn, once; null when it is already known.</summary>
    public static Change<Connection>? LearnMember(Connection c, string memberUrn)
    {
        ArgumentNullException.ThrowIfNull(c);
        return c.MemberUrn is null ? new(c with { MemberUrn = memberUrn }) : null;
    }

    private static RefreshAttempt Connected(DateTimeOffset now, long version) =>
        new(now, AttemptTrigger.Connect, AttemptOutcome.Authorized, null, version);
}

/// <summary>Who authorized what: the connection the member consented for, and the member LinkedIn said signed in.</summary>
/// <param name="ReconnectOnly">
/// The flow started from a reconnect link, not a connect session: it may only renew the tokens of a connection that exists
/// and is bound to a member (the member check then decides); creating a connection or binding a member needs a session.
/// </param>
/// <param name="App">The LinkedIn app the member authorized; a reconnect through another app moves the connection to it.</param>
public sealed record ConnectRequestFacts(string ConnectionId, string TenantId, string MemberUrn, bool ReconnectOnly = false, string App = Connection.DefaultApp);
