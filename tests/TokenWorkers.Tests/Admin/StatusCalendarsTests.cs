using TokenWorkers.Admin;
using TokenWorkers.Connections;

namespace TokenWorkers.Tests.Admin;

/// <summary>The status page's charts count per UTC day and hour: these pin the buckets and their edges.</summary>
public sealed class StatusCalendarsTests
{
    // 22:30 UTC, and 01:30 the next day in UTC+3: the day must be the UTC one.
    private static readonly DateTimeOffset Now = new(2026, 3, 10, 22, 30, 0, TimeSpan.Zero);

    [Fact]
    public void An_empty_fleet_has_sixty_empty_days_starting_today_in_utc()
    {
        var days = DeadlineCalendar.Of(FleetDeadlines.None, Now.ToOffset(TimeSpan.FromHours(3)));

        Assert.Equal(DeadlineCalendar.Days, days.Count);
        Assert.Equal(new DateOnly(2026, 3, 10), days[0].Day);
        Assert.Equal(new DateOnly(2026, 5, 8), days[^1].Day);
        Assert.All(days, d => Assert.Equal(0, d.Total));
    }

    [Fact]
    public void Each_deadline_counts_on_its_utc_day_from_now_to_the_end_of_day_sixty()
    {
        var midnight = new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero);
        var (from, until) = DeadlineCalendar.Window(Now);
        var deadlines = new FleetDeadlines(
            [
                Now, // day 0, the first instant counted
                Now.AddTicks(-1), // passed: not coming any more
                midnight.AddTicks(-1), // still day 0
                midnight, // day 1
                midnight.AddHours(3).ToOffset(TimeSpan.FromHours(-5)), // day 1, whatever the offset it came with
                until.AddTicks(-1), // the last instant of day 59
                until, // day 60: outside the window
            ],
            [midnight.AddDays(29).AddHours(12), midnight.AddDays(29).AddHours(13)]);

        var days = DeadlineCalendar.Of(deadlines, Now);

        Assert.Equal(Now, from);
        Assert.Equal(new DateTimeOffset(2026, 5, 9, 0, 0, 0, TimeSpan.Zero), until);
        Assert.Equal(2, days[0].AccessTokenExpiries);
        Assert.Equal(2, days[1].AccessTokenExpiries);
        Assert.Equal(1, days[59].AccessTokenExpiries);
        Assert.Equal(5, days.Sum(d => d.AccessTokenExpiries));
        Assert.Equal(2, days[30].RefreshTokenEnds);
        Assert.Equal(2, days.Sum(d => d.RefreshTokenEnds));
    }

    [Fact]
    public void Refresh_outcomes_count_per_utc_hour_over_the_last_day_and_only_refreshes()
    {
        var since = OutcomeHours.Since(Now);
        RefreshAttempt[] attempts =
        [
            new(since, AttemptTrigger.Scheduled, AttemptOutcome.Refreshed, null, 2),
            new(since.AddTicks(-1), AttemptTrigger.Scheduled, AttemptOutcome.Refreshed, null, 2), // the hour before the first
            new(since.AddMinutes(59), AttemptTrigger.Forced, AttemptOutcome.Reauth, "invalid_grant", 3),
            new(Now, AttemptTrigger.BeforePost, AttemptOutcome.RateLimited, null, 4),
            new(Now.AddMinutes(-1), AttemptTrigger.Scheduled, AttemptOutcome.Transient, null, 5),
            new(Now.AddMinutes(-2), AttemptTrigger.Scheduled, AttemptOutcome.Configuration, null, 6),
            new(Now.AddMinutes(-3), AttemptTrigger.Connect, AttemptOutcome.Authorized, null, 7), // a connect, not a refresh
            new(Now.AddMinutes(-4), AttemptTrigger.Disconnect, AttemptOutcome.Disconnected, null, 8),
            new(Now.AddTicks(1), AttemptTrigger.Scheduled, AttemptOutcome.Refreshed, null, 9), // after now (another clock)
        ];

        var hours = OutcomeHours.Of(attempts, Now);

        Assert.Equal(OutcomeHours.Hours, hours.Count);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 23, 0, 0, TimeSpan.Zero), hours[0].Hour);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 22, 0, 0, TimeSpan.Zero), hours[^1].Hour);
        Assert.Equal(new OutcomeHour(hours[0].Hour, 1, 1, 0, 0, 0), hours[0]);
        Assert.Equal(new OutcomeHour(hours[^1].Hour, 0, 0, 1, 1, 1), hours[^1]);
        Assert.Equal(5, hours.Sum(h => h.Total));
    }

    [Fact]
    public void No_attempt_gives_twenty_four_empty_hours()
    {
        var hours = OutcomeHours.Of([], Now);

        Assert.Equal(24, hours.Count);
        Assert.All(hours, h => Assert.Equal(0, h.Total));
    }
}
