using System.Diagnostics;
using TokenWorkers.Storage.Sqlite;

namespace TokenWorkers.Benchmarks;

/// <summary>
/// This process's CPU time and the store's durable writes over the timed part of a case, to be divided by what the
/// case did. The process holds the worker, the sandbox, the publisher and the subscriber, so its CPU includes all
/// four; the broker runs in a process of its own and is not counted.
/// </summary>
public sealed class CostMeter
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxSettle = TimeSpan.FromSeconds(10);

    private readonly SqliteDatabase _database;
    private readonly TimeSpan _cpu;
    private readonly long _writeStatements;
    private readonly long _commits;
    private readonly long _allocated;
    private readonly TimeSpan _gcPause;
    private readonly TimeSpan _jit;
    private readonly long _start;

    private CostMeter(SqliteDatabase database)
    {
        _database = database;
        _cpu = ProcessorTime();
        _writeStatements = database.WriteStatements;
        _commits = database.Commits;
        _allocated = GC.GetTotalAllocatedBytes();
        _gcPause = GC.GetTotalPauseDuration();
        _jit = System.Runtime.JitInfo.GetCompilationTime();
        _start = Stopwatch.GetTimestamp();
    }

    /// <summary>Starts once the store has been quiet for a moment, so the previous step's writes are not counted.</summary>
    public static async Task<CostMeter> StartAsync(SqliteDatabase database)
    {
        await SettleAsync(database);
        return new CostMeter(database);
    }

    /// <summary>
    /// Stops once the store has been quiet for a moment: a consumer clears its outbox after publishing the event
    /// the case waits for, so the last writes come after the last event. The wait adds a quarter of a second of an
    /// idle process to the CPU time.
    /// </summary>
    public async Task<RunCost> StopAsync()
    {
        await SettleAsync(_database);
        return new RunCost(ProcessorTime() - _cpu, _database.WriteStatements - _writeStatements, _database.Commits - _commits)
        {
            AllocatedBytes = GC.GetTotalAllocatedBytes() - _allocated,
            GcPause = GC.GetTotalPauseDuration() - _gcPause,
            JitTime = System.Runtime.JitInfo.GetCompilationTime() - _jit,
            StartTimestamp = _start,
            EndTimestamp = Stopwatch.GetTimestamp(),
        };
    }

    private static async Task SettleAsync(SqliteDatabase database)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(MaxSettle.TotalSeconds * Stopwatch.Frequency);
        var seen = database.WriteStatements;
        var quietSince = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(quietSince) < Quiet && Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(25);
            var now = database.WriteStatements;
            if (now != seen)
            {
                seen = now;
                quietSince = Stopwatch.GetTimestamp();
            }
        }
    }

    private static TimeSpan ProcessorTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}

/// <summary>
/// What one timed part cost: process CPU time, SQLite write statements and commits, bytes allocated and time paused by
/// the garbage collector (both for the whole process), and when it started and ended (<see cref="Stopwatch"/> ticks).
/// </summary>
public sealed record RunCost(TimeSpan Cpu, long WriteStatements, long Commits)
{
    public long AllocatedBytes { get; init; }

    public TimeSpan GcPause { get; init; }

    /// <summary>Time the process's JIT compiled during the run: tiered compilation still optimising the code, not the work.</summary>
    public TimeSpan JitTime { get; init; }

    /// <summary>The JIT's share of the run's CPU; above a few per cent, the run measured a process still warming up.</summary>
    public double JitShare => Cpu > TimeSpan.Zero ? JitTime / Cpu : 0;

    public long StartTimestamp { get; init; }

    public long EndTimestamp { get; init; }

    public double CpuMillisecondsPer(int count) => Cpu.TotalMilliseconds / count;

    public double WritesPer(int count) => (double)WriteStatements / count;

    public double CommitsPer(int count) => (double)Commits / count;
}

/// <summary>The cost of each run of a case per unit of work (a refresh, a post), as rows of the results table.</summary>
public sealed class CostSamples
{
    public const string CpuMetricPrefix = "CPU per ";

    public const string Note =
        "CPU per refresh and per post: this process's CPU time (TotalProcessorTime) over the timed part (from the first message " +
        "sent until the store's last write), divided by the count. " +
        "The worker, the sandbox answering it, the publisher and the subscriber all run in this one process, so the figure " +
        "includes all four; the RabbitMQ broker runs in its own process and is not included. Writes and commits are the SQLite " +
        "statements and transactions counted by the worker's store (connections and posting ledger share one file); group " +
        "commit lets concurrent writes share a transaction, so commits per refresh fall as concurrency rises. Allocation and GC pauses " +
        "are the process's too (GC.GetTotalAllocatedBytes, GC.GetTotalPauseDuration); the worker as shipped runs server GC, this " +
        "process workstation GC unless DOTNET_gcServer=1 is set.";

    private readonly Samples _cpu = new("ms");
    private readonly Samples _writes = new("writes");
    private readonly Samples _commits = new("commits");
    private readonly Samples _allocated = new("KiB");
    private readonly Samples _gcPause = new("% of the run");
    private readonly Samples _jit = new("% of the CPU");

    public void Add(int run, RunCost cost, int count)
    {
        ArgumentNullException.ThrowIfNull(cost);
        _cpu.Add(run, cost.CpuMillisecondsPer(count));
        _writes.Add(run, cost.WritesPer(count));
        _commits.Add(run, cost.CommitsPer(count));
        _allocated.Add(run, cost.AllocatedBytes / 1024.0 / count);
        var wall = Stopwatch.GetElapsedTime(cost.StartTimestamp, cost.EndTimestamp);
        _gcPause.Add(run, wall > TimeSpan.Zero ? 100 * cost.GcPause / wall : double.NaN);
        _jit.Add(run, 100 * cost.JitShare);
    }

    public IEnumerable<ResultRow> Rows(string caseName, string unit, double? cpuTargetMilliseconds = null) =>
    [
        new(caseName, $"{CpuMetricPrefix}{unit} (one process: worker, sandbox, publisher, subscriber; broker not included)", _cpu, "",
            cpuTargetMilliseconds is { } target ? $"<= {target} ms" : "",
            cpuTargetMilliseconds is { } most && !double.IsNaN(_cpu.Median) ? _cpu.Median <= most : null),
        new(caseName, $"SQLite write statements per {unit}", _writes),
        new(caseName, $"SQLite commits per {unit}", _commits),
        new(caseName, $"allocated per {unit} (whole process)", _allocated),
        new(caseName, $"time paused by the GC ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC)", _gcPause),
        new(caseName, "time in the JIT (tiered compilation; near 0 once warm)", _jit),
    ];
}
