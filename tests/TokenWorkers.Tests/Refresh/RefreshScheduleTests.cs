using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Refresh;

namespace TokenWorkers.Tests.Refresh;

public class RefreshScheduleTests
{
    private static readonly DateTimeOffset Granted = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly RefreshSchedule _schedule = new(new RefreshOptions { RefreshJitter = TimeSpan.Zero }.ToScheduleRules());

    private static Connection Refreshable(DateTimeOffset accessExpiry, DateTimeOffset? hardEnd) => new()
    {
        ConnectionId = "c-1",
        TenantId = "t-1",
        AccessToken = new SecretToken("access"),
        RefreshToken = new SecretToken("refresh"),
        AccessTokenExpiresAt = accessExpiry,
        RefreshTokenExpiresAt = hardEnd,
    };

    private static Connection WithoutRefreshToken(DateTimeOffset accessExpiry) => new()
    {
        ConnectionId = "c-2",
        TenantId = "t-1",
        AccessToken = new SecretToken("access"),
        AccessTokenExpiresAt = accessExpiry,
    };

    [Fact]
    public void A_connection_is_refreshed_the_lead_before_its_access_token_expires()
    {
        var c = Refreshable(Granted.AddDays(60), Granted.AddDays(365));

        Assert.Equal(Granted.AddDays(50), _schedule.RefreshAt(c, Granted));
    }

    [Fact]
    public void Jitter_moves_the_refresh_earlier_by_a_stable_amount_within_the_bound()
    {
        var schedule = new RefreshSchedule(new RefreshOptions { RefreshJitter = TimeSpan.FromHours(12) }.ToScheduleRules());
        var refreshAts = Enumerable.Range(0, 200)
            .Select(i => Refreshable(Granted.AddDays(60), Granted.AddDays(365)) with { ConnectionId = $"c-{i}" })
            .Select(c => schedule.RefreshAt(c, Granted)!.Value)
            .ToArray();

        Assert.All(refreshAts, at => Assert.InRange(at, Granted.AddDays(50).AddHours(-12), Granted.AddDays(50)));
        Assert.True(refreshAts.Distinct().Count() > 150, "an onboarding wave must spread over the jitter window");
        var again = schedule.RefreshAt(Refreshable(Granted.AddDays(60), Granted.AddDays(365)) with { ConnectionId = "c-7" }, Granted);
        Assert.Equal(refreshAts[7], again);
    }

    [Fact]
    public void An_access_token_that_already_ends_with_the_refresh_token_is_not_refreshed_again()
    {
        var hardEnd = Granted.AddDays(365);
        var c = Refreshable(hardEnd, hardEnd);

        Assert.False(RefreshSchedule.CanExtend(c, Granted.AddDays(360)));
        Assert.Null(_schedule.RefreshAt(c, Granted.AddDays(360)));
    }

    [Fact]
    public void A_connection_without_a_refresh_token_cannot_be_extended_and_its_deadline_is_the_access_expiry()
    {
        var c = WithoutRefreshToken(Granted.AddDays(60));

        Assert.False(RefreshSchedule.CanExtend(c, Granted));
        Assert.Equal((Granted.AddDays(60), ReauthReason.NoRefreshToken), RefreshSchedule.Deadline(c));
    }

    [Fact]
    public void The_deadline_of_a_refreshable_connection_is_the_refresh_tokens_hard_end()
    {
        var c = Refreshable(Granted.AddDays(60), Granted.AddDays(365));

        Assert.Equal((Granted.AddDays(365), ReauthReason.RefreshTokenEnding), RefreshSchedule.Deadline(c));
    }

    [Fact]
    public void Warnings_are_due_at_each_threshold_once()
    {
        var hardEnd = Granted.AddDays(365);
        var c = Refreshable(hardEnd, hardEnd);

        Assert.Null(_schedule.WarningDue(c, hardEnd.AddDays(-31)));
        var first = _schedule.WarningDue(c, hardEnd.AddDays(-30));
        Assert.Equal(30, first?.DaysBefore);

        c = c with { ReauthWarningsSent = first!.Value.SentAfter, WarningDeadline = hardEnd };
        Assert.Null(_schedule.WarningDue(c, hardEnd.AddDays(-20)));
        Assert.Equal(hardEnd.AddDays(-14), _schedule.NextWarningAt(c, hardEnd.AddDays(-20)));
        Assert.Equal(14, _schedule.WarningDue(c, hardEnd.AddDays(-14))?.DaysBefore);
    }

    [Fact]
    public void A_connection_first_seen_ten_days_before_its_deadline_gets_only_the_14_day_warning_then_7_and_1()
    {
        var expiry = Granted.AddDays(10);
        var c = WithoutRefreshToken(expiry);

        var warning = _schedule.WarningDue(c, Granted);
        Assert.Equal(14, warning?.DaysBefore);
        Assert.Equal([30, 14], warning!.Value.SentAfter);

        c = c with { ReauthWarningsSent = warning.Value.SentAfter, WarningDeadline = expiry };
        Assert.Equal(expiry.AddDays(-7), _schedule.NextWarningAt(c, Granted));
    }

    [Fact]
    public void A_new_deadline_starts_the_warnings_afresh()
    {
        var c = WithoutRefreshToken(Granted.AddDays(60)) with
        {
            ReauthWarningsSent = [30, 14, 7, 1],
            WarningDeadline = Granted.AddDays(-5),
        };

        Assert.Equal(30, _schedule.WarningDue(c, Granted.AddDays(30))?.DaysBefore);
    }

    [Fact]
    public void The_next_check_is_the_earliest_of_refresh_warning_and_deadline()
    {
        var c = Refreshable(Granted.AddDays(60), Granted.AddDays(365));
        Assert.Equal(Granted.AddDays(50), _schedule.NextCheckAt(c, Granted));

        var late = Refreshable(Granted.AddDays(340), Granted.AddDays(345));
        Assert.Equal(Granted.AddDays(315), _schedule.NextCheckAt(late, Granted.AddDays(300)));
    }

    [Fact]
    public void A_crossed_but_unannounced_threshold_makes_the_connection_due_now()
    {
        var c = WithoutRefreshToken(Granted.AddDays(5));

        Assert.Equal(Granted, _schedule.NextCheckAt(c, Granted));
    }

    [Fact]
    public void A_claim_or_backoff_postpones_the_refresh_but_not_an_earlier_warning()
    {
        var c = Refreshable(Granted.AddDays(340), Granted.AddDays(345)) with
        {
            ReauthWarningsSent = [30],
            WarningDeadline = Granted.AddDays(345),
        };
        var now = Granted.AddDays(330);

        Assert.Equal(now.AddDays(1), _schedule.NextCheckAt(c, now, refreshNotBefore: now.AddDays(2)));
    }

    [Fact]
    public void Backoff_grows_exponentially_with_jitter_and_is_capped()
    {
        var schedule = new RefreshSchedule(new RefreshOptions
        {
            RetryBaseDelay = TimeSpan.FromMinutes(1),
            RetryMaxDelay = TimeSpan.FromHours(1),
        }.ToScheduleRules());

        Assert.InRange(schedule.BackoffAfter(1), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));
        Assert.InRange(schedule.BackoffAfter(3), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4));
        Assert.InRange(schedule.BackoffAfter(50), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1));
    }

    [Fact]
    public void An_inactive_connection_has_no_next_check()
    {
        var c = Refreshable(Granted.AddDays(60), Granted.AddDays(365)) with { Status = ConnectionStatus.ReauthRequired };

        Assert.Null(_schedule.NextCheckAt(c, Granted));
    }
}
