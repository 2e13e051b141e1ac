using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Refresh;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Connections;

/// <summary>The connection's state changes as pure functions: no store, no bus, no clock.</summary>
public sealed class ConnectionTransitionsTests
{
    private const string Holder = "worker-a/1";
    private static readonly RefreshSchedule Schedule = new(new RefreshOptions { RefreshJitter = TimeSpan.Zero }.ToScheduleRules());
    private static readonly TimeSpan LeaseFor = TimeSpan.FromMinutes(2);

    private static Connection Due(long version = 4) => Some.Connection() with { Version = version, NextRefreshAt = The.Now.AddDays(50) };

    private static RefreshAttemptContext Attempt(Connection c) => new(Holder, AttemptTrigger.Scheduled, c.RefreshToken!, c.AccessToken);

    private static TokenGrant Grant(DateTimeOffset at, SecretToken? refresh, DateTimeOffset? refreshEnds = null) =>
        new(new SecretToken("new-access-" + at.Ticks), at.AddDays(60), refresh, refreshEnds, ["openid", "w_member_social"]);

    [Fact]
    public void A_lease_is_refused_while_another_holder_has_a_live_one_and_taken_once_it_lapsed()
    {
        var now = The.Now.AddDays(51);
        var leased = Due() with { Lease = new Lease("worker-b/9", now.AddSeconds(30)) };

        Assert.Null(ConnectionTransitions.TakeLease(leased, now, Holder, LeaseFor, (_, _) => true, out var refusal));
        Assert.Equal(RefreshOutcome.Leased, refusal);

        var change = ConnectionTransitions.TakeLease(leased, now.AddMinutes(1), Holder, LeaseFor, (_, _) => true, out _);
        Assert.Equal(new Lease(Holder, now.AddMinutes(1) + LeaseFor), change!.Next.Lease);
        Assert.Empty(change.Events);
    }

    [Fact]
    public void A_lease_is_refused_for_an_inactive_or_not_due_connection()
    {
        var now = The.Now.AddDays(51);
        Assert.Null(ConnectionTransitions.TakeLease(Due() with { Status = ConnectionStatus.ReauthRequired }, now, Holder, LeaseFor, (_, _) => true, out var inactive));
        Assert.Equal(RefreshOutcome.NotActive, inactive);
        Assert.Null(ConnectionTransitions.TakeLease(Due(), now, Holder, LeaseFor, (_, _) => false, out var notDue));
        Assert.Equal(RefreshOutcome.NotDue, notDue);
        Assert.Null(ConnectionTransitions.TakeLease(Due() with { RefreshToken = null }, now, Holder, LeaseFor, (_, _) => true, out var cannot));
        Assert.Equal(RefreshOutcome.NotDue, cannot);
    }

    [Fact]
    public void A_refresh_keeps_the_hard_end_never_outlives_it_and_raises_TokenRefreshed_with_the_written_version()
    {
        var now = The.Now.AddDays(340);
        var leased = Due() with { Lease = new Lease(Holder, now.AddMinutes(2)) };
        var hardEnd = leased.RefreshTokenExpiresAt!.Value;

        // LinkedIn states a later refresh-token end and a 60-day access token: neither may move past the first grant's end.
        var change = ConnectionTransitions.Refreshed(leased, now, Attempt(leased), Grant(now, null, now.AddDays(365)), Schedule)!;

        Assert.Equal(hardEnd, change.Next.RefreshTokenExpiresAt);
        Assert.Equal(hardEnd, change.Next.AccessTokenExpiresAt);
        Assert.Equal(leased.RefreshToken, change.Next.RefreshToken); // omitted by LinkedIn: the stored one stays
        Assert.Null(change.Next.Lease);
        var refreshed = Assert.IsType<TokenRefreshed>(Assert.Single(change.Events));
        Assert.Equal(leased.Version + 1, refreshed.Version);
        Assert.Equal(EventIds.For(leased.ConnectionId, leased.Version + 1, nameof(TokenRefreshed)), refreshed.EventId);
        Assert.False(refreshed.RefreshTokenRotated);
        Assert.Equal(AttemptOutcome.Refreshed, change.Next.Attempts[^1].Outcome);
    }

    [Fact]
    public void A_refresh_after_failures_also_raises_ConnectionRecovered()
    {
        var now = The.Now.AddDays(51);
        var failing = Due() with { Lease = new Lease(Holder, now.AddMinutes(2)), FailureCount = 2, ProblemSince = now.AddHours(-1) };

        var change = ConnectionTransitions.Refreshed(failing, now, Attempt(failing), Grant(now, new SecretToken("rotated")), Schedule)!;

        Assert.Collection(change.Events, e => Assert.True(Assert.IsType<TokenRefreshed>(e).RefreshTokenRotated), e => Assert.IsType<ConnectionRecovered>(e));
        Assert.Equal(0, change.Next.FailureCount);
        Assert.Null(change.Next.ProblemSince);
    }

    [Fact]
    public void A_refresh_whose_lease_was_lost_is_dropped_only_when_newer_tokens_were_stored_meanwhile()
    {
        var now = The.Now.AddDays(51);
        var started = Due();
        var attempt = Attempt(started);
        var takenOver = started with { Lease = new Lease("worker-b/2", now.AddMinutes(2)) };

        var stillNewest = ConnectionTransitions.Refreshed(takenOver, now, attempt, Grant(now, new SecretToken("rotated")), Schedule);
        Assert.NotNull(stillNewest);
        Assert.Equal(takenOver.Lease, stillNewest.Next.Lease); // the new holder keeps its lease

        var superseded = takenOver with { RefreshToken = new SecretToken("someone-else's") };
        Assert.Null(ConnectionTransitions.Refreshed(superseded, now, attempt, Grant(now, new SecretToken("rotated")), Schedule));
    }

    [Fact]
    public void A_rejection_raises_ReauthRequired_unless_the_tokens_moved_which_is_a_lost_race()
    {
        var now = The.Now.AddDays(51);
        var leased = Due() with { Lease = new Lease(Holder, now.AddMinutes(2)) };
        var link = new Uri("https://tw.example/connect/linkedin?c=x");

        var dead = ConnectionTransitions.Rejected(leased, now, Attempt(leased), "invalid_grant", "revoked", link, out var lostRace)!;
        Assert.False(lostRace);
        Assert.Equal(ConnectionStatus.ReauthRequired, dead.Next.Status);
        Assert.Null(dead.Next.NextRefreshAt);
        var reauth = Assert.IsType<ReauthRequired>(Assert.Single(dead.Events));
        Assert.Equal(link, reauth.ReconnectUrl);
        Assert.Equal(ReauthReason.GrantRejected, reauth.Reason);

        var moved = leased with { RefreshToken = new SecretToken("refreshed-by-b") };
        var superseded = ConnectionTransitions.Rejected(moved, now, Attempt(leased), "invalid_grant", "revoked", link, out lostRace)!;
        Assert.True(lostRace);
        Assert.Empty(superseded.Events);
        Assert.Equal(ConnectionStatus.Active, superseded.Next.Status);
        Assert.Null(superseded.Next.Lease);
        Assert.Equal(AttemptOutcome.Superseded, superseded.Next.Attempts[^1].Outcome);
    }

    [Fact]
    public void A_transient_failure_keeps_the_tokens_and_waits_until_the_retry_time()
    {
        var now = The.Now.AddDays(51);
        var leased = Due() with { Lease = new Lease(Holder, now.AddMinutes(2)) };
        var failure = new RefreshFailure(FailureClass.Transient, null, "LinkedIn answered HTTP 503");

        var change = ConnectionTransitions.Failed(leased, now, Attempt(leased), failure, now.AddMinutes(3), Schedule)!;

        Assert.Equal(leased.AccessToken, change.Next.AccessToken);
        Assert.Equal(leased.RefreshToken, change.Next.RefreshToken);
        Assert.Equal(now.AddMinutes(3), change.Next.NextRefreshAt);
        Assert.Equal(1, change.Next.FailureCount);
        Assert.Empty(change.Events);
        Assert.Null(ConnectionTransitions.Failed(leased with { Lease = null }, now, Attempt(leased), failure, now, Schedule));
    }

    [Fact]
    public void The_scan_claims_a_due_connection_with_RefreshDue_as_a_notice_not_an_outbox_event()
    {
        var now = The.Now.AddDays(50).AddMinutes(1);
        var change = ConnectionTransitions.Scan(Due(), now, Schedule, TimeSpan.FromMinutes(10), null)!;

        Assert.Empty(change.Events);
        var due = Assert.IsType<RefreshDue>(Assert.Single(change.Notices));
        Assert.Equal(RefreshTriggers.Scheduled, due.Trigger);
        Assert.Equal(now.AddMinutes(10), change.Next.NextRefreshAt);
        Assert.Null(ConnectionTransitions.Scan(change.Next, now, Schedule, TimeSpan.FromMinutes(10), null));
    }

    [Fact]
    public void The_scan_warns_once_per_threshold_and_declares_a_dead_connection_with_one_ReauthRequired()
    {
        var selfServe = Due() with { RefreshToken = null, RefreshTokenExpiresAt = null, NextRefreshAt = The.Now.AddDays(30) };
        var warned = ConnectionTransitions.Scan(selfServe, The.Now.AddDays(31), Schedule, TimeSpan.FromMinutes(10), null)!;
        Assert.Equal(30, Assert.IsType<ReauthSoon>(Assert.Single(warned.Events)).DaysBefore);
        Assert.Empty(warned.Notices);

        var expired = selfServe with { NextRefreshAt = The.Now.AddDays(60) };
        var dead = ConnectionTransitions.Scan(expired, The.Now.AddDays(60), Schedule, TimeSpan.FromMinutes(10), null)!;
        Assert.Equal(ReauthReason.NoRefreshToken, Assert.IsType<ReauthRequired>(Assert.Single(dead.Events)).Reason);
        Assert.Equal(ConnectionStatus.ReauthRequired, dead.Next.Status);
    }

    [Fact]
    public void Authorizing_creates_version_one_or_reconnects_keeping_history_and_refuses_another_tenant()
    {
        var facts = new ConnectRequestFacts(The.ConnectionId, The.TenantId, The.MemberUrn);
        var created = ConnectionTransitions.Authorize(null, facts, Grant(The.Now, new SecretToken("r1"), The.Now.AddDays(365)), The.Now, Schedule, out var problem)!;
        Assert.Null(problem);
        Assert.False(Assert.IsType<ConnectionAuthorized>(Assert.Single(created.Events)).Reconnected);
        Assert.Equal(1, Assert.IsType<ConnectionAuthorized>(created.Events[0]).Version);

        var existing = Some.FullyPopulatedConnection() with { Status = ConnectionStatus.ReauthRequired };
        var reconnected = ConnectionTransitions.Authorize(existing, facts, Grant(The.Now, new SecretToken("r2"), The.Now.AddDays(365)), The.Now, Schedule, out _)!;
        Assert.True(Assert.IsType<ConnectionAuthorized>(Assert.Single(reconnected.Events)).Reconnected);
        Assert.Equal(ConnectionStatus.Active, reconnected.Next.Status);
        Assert.Equal(existing.PendingEvents, reconnected.Next.PendingEvents);
        Assert.Equal(existing.Attempts.Count + 1, reconnected.Next.Attempts.Count);

        Assert.Null(ConnectionTransitions.Authorize(existing with { TenantId = "other" }, facts, Grant(The.Now, null), The.Now, Schedule, out problem));
        Assert.NotNull(problem);
    }

    [Fact]
    public void Disconnecting_under_the_lease_wipes_the_tokens_and_raises_ConnectionDisconnected()
    {
        var leased = Due() with { Lease = new Lease(Holder, The.Now.AddMinutes(2)) };
        var change = ConnectionTransitions.Disconnected(leased, The.Now, Holder, "member left", null)!;

        Assert.Null(change.Next.AccessToken);
        Assert.Null(change.Next.RefreshToken);
        Assert.Equal(ConnectionStatus.Disconnected, change.Next.Status);
        Assert.Equal("member left", Assert.IsType<ConnectionDisconnected>(Assert.Single(change.Events)).Reason);
        Assert.Null(ConnectionTransitions.Disconnected(leased, The.Now, "worker-b/1", null, null));
    }
}
