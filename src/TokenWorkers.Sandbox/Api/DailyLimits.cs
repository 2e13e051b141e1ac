using System.Collections.Concurrent;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// LinkedIn's daily quotas: one counter per app and one per member and app for posting, keyed by
/// the UTC date of the sandbox clock, so they reset at midnight UTC when the clock passes it.
/// </summary>
internal sealed class DailyLimits(SandboxClock clock, RuntimeKnobs knobs)
{
    private readonly ConcurrentDictionary<(string Counter, DateOnly Day), Counter> _counts = new();
    private long _newestDay;

    /// <summary>Counts the call; returns the name of the exhausted counter, or null when it may proceed.</summary>
    public string? Count(string clientId, string memberSub, bool posting)
    {
        var day = DateOnly.FromDateTime(clock.UtcNow.UtcDateTime);
        ForgetDaysBefore(day);
        var settings = knobs.Settings;
        if (Exceeded("app:" + clientId, day, settings.ApplicationDailyCallLimit))
        {
            return "APPLICATION";
        }

        return posting && Exceeded("post:" + clientId + ":" + memberSub, day, settings.MemberDailyPostLimit)
            ? "APPLICATION_AND_MEMBER"
            : null;
    }

    private bool Exceeded(string counter, DateOnly day, int limit)
    {
        // A limit of zero or less switches that counter off.
        if (limit <= 0)
        {
            return false;
        }

        var count = _counts.GetOrAdd((counter, day), static _ => new Counter());
        return Interlocked.Increment(ref count.Value) > limit;
    }

    private void ForgetDaysBefore(DateOnly day)
    {
        var dayNumber = day.DayNumber;
        var newest = Interlocked.Read(ref _newestDay);
        if (dayNumber <= newest || Interlocked.CompareExchange(ref _newestDay, dayNumber, newest) != newest)
        {
            return;
        }

        foreach (var key in _counts.Keys)
        {
            if (key.Day < day)
            {
                _counts.TryRemove(key, out _);
            }
        }
    }

    private sealed class Counter
    {
        public int Value;
    }
}
