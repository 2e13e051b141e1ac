using System.Diagnostics;
using System.Globalization;

namespace TokenWorkers.Benchmarks;

/// <summary>
/// Where a profiler should look: with <c>TOKENWORKERS_BENCH_WINDOWS</c> set to a file, each timed part of a run is appended
/// to it as "label start end" in seconds of the monotonic clock, the clock <c>perf record -k CLOCK_MONOTONIC</c> stamps
/// samples with, so <c>perf script --time start,end</c> keeps the timed part and leaves out seeding and settling.
/// </summary>
public static class TimedWindows
{
    private static readonly string? File = Environment.GetEnvironmentVariable("TOKENWORKERS_BENCH_WINDOWS");

    public static void Record(string label, RunCost cost) => Record(label, cost.StartTimestamp, cost.EndTimestamp);

    public static void Record(string label, long startTimestamp, long endTimestamp)
    {
        if (File is null)
        {
            return;
        }

        System.IO.File.AppendAllText(File, string.Create(CultureInfo.InvariantCulture,
            $"{label} {Seconds(startTimestamp):0.000000} {Seconds(endTimestamp):0.000000}{Environment.NewLine}"));
    }

    // Stopwatch reads CLOCK_MONOTONIC on Linux; its frequency converts ticks to seconds.
    private static double Seconds(long timestamp) => (double)timestamp / Stopwatch.Frequency;
}
