using TokenWorkers.Connections;

namespace TokenWorkers.Admin;

/// <summary>One UTC day of the deadline chart.</summary>
public sealed record DeadlineDay(DateOnly Day, int AccessTokenExpiries, int RefreshTokenEnds)
{
    public int Total => AccessTokenExpiries + RefreshTokenEnds;
}

/// <summary>
/// The next <see cref="Days"/> UTC days: from now to the end of the 60th day (today counts as the first, from now on).
/// A deadline already passed is no longer coming, so it is not counted.
/// </summary>
public static class DeadlineCalendar
{
    public const int Days = 60;

    /// <summary>What to ask the store for: <c>[now, midnight UTC starting day 60)</c>.</summary>
    public static (DateTimeOffset From, DateTimeOffset Until) Window(DateTimeOffset now) => (now, StartOfDay(now).AddDays(Days));

    public static IReadOnlyList<DeadlineDay> Of(FleetDeadlines deadlines, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(deadlines);
        var access = new int[Days];
        var ends = new int[Days];
        Count(deadlines.AccessTokenExpiries, access, now);
        Count(deadlines.RefreshTokenEnds, ends, now);
        var first = DateOnly.FromDateTime(now.UtcDateTime);
        return [.. Enumerable.Range(0, Days).Select(i => new DeadlineDay(first.AddDays(i), access[i], ends[i]))];
    }

    private static void Count(IReadOnlyList<DateTimeOffset> instants, int[] days, DateTimeOffset now)
    {
        var start = StartOfDay(now);
        foreach (var at in instants)
        {
            if (at < now)
            {
                continue;
            }

            var day = (int)Math.Floor((at - start).TotalDays);
            if (day < Days)
            {
                days[day]++;
            }
        }
    }

    private static DateTimeOffset StartOfDay(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);
}

/// <summary>One UTC hour of the refresh-outcome chart.</summary>
public sealed record OutcomeHour(DateTimeOffset Hour, int Refreshed, int Rejected, int Transient, int RateLimited, int Other)
{
    public int Total => Refreshed + Rejected + Transient + RateLimited + Other;
}

/// <summary>
/// Refresh outcomes per UTC hour over the last <see cref="Hours"/> hours (the current hour last), counted from the
/// connections' timelines: only attempts to refresh (scheduled, forced, before a post), not connects or disconnects.
/// </summary>
public static class OutcomeHours
{
    public const int Hours = 24;

    /// <summary>The start of the first hour shown: what to ask the store for.</summary>
    public static DateTimeOffset Since(DateTimeOffset now) => StartOfHour(now).AddHours(1 - Hours);

    public static IReadOnlyList<OutcomeHour> Of(IReadOnlyList<RefreshAttempt> attempts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var since = Since(now);
        var counts = new int[Hours, 5];
        foreach (var attempt in attempts)
        {
            if (attempt.At < since || attempt.At > now || !IsRefresh(attempt.Trigger) || Column(attempt.Outcome) is not { } column)
            {
                continue;
            }

            counts[(int)Math.Floor((attempt.At - since).TotalHours), column]++;
        }

        return [.. Enumerable.Range(0, Hours).Select(h =>
            new OutcomeHour(since.AddHours(h), counts[h, 0], counts[h, 1], counts[h, 2], counts[h, 3], counts[h, 4]))];
    }

    private static bool IsRefresh(AttemptTrigger trigger) =>
        trigger is AttemptTrigger.Scheduled or AttemptTrigger.Forced or AttemptTrigger.BeforePost;

    private static int? Column(AttemptOutcome outcome) => outcome switch
    {
        AttemptOutcome.Refreshed => 0,
        AttemptOutcome.Reauth => 1,
        AttemptOutcome.Transient => 2,
        AttemptOutcome.RateLimited => 3,
        AttemptOutcome.Configuration or AttemptOutcome.Permission or AttemptOutcome.Superseded => 4,
        _ => null,
    };

    private static DateTimeOffset StartOfHour(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}
