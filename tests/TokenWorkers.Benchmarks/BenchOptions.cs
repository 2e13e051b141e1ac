using System.Globalization;

namespace TokenWorkers.Benchmarks;

/// <summary>Command line: <c>--quick</c> (small sizes, one run), <c>--runs N</c>, <c>--warmup N</c>, <c>--cases 1,2,7</c>, <c>--output DIR</c>.</summary>
public sealed record BenchOptions
{
    public bool Quick { get; init; }

    public int Runs { get; init; } = 3;

    /// <summary>
    /// Untimed runs before each case's timed ones: the first thousands of messages run code that tiered compilation has
    /// not optimised yet (a run's CPU per refresh halves between the first and the third), and a worker runs for weeks.
    /// </summary>
    public int Warmup { get; init; } = 1;

    public IReadOnlySet<int> Cases { get; init; } = new HashSet<int> { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };

    public string Output { get; init; } = Path.Combine("artifacts", "bench");

    /// <summary>Refreshes per run of cases 2 and 6; cases 1 and 9 send five times as many messages.</summary>
    public int PipelineCount => Quick ? 300 : 2_000;

    /// <summary>Refreshes per run of the latency-bound case (the N).</summary>
    public int LatencyBoundCount => Quick ? 200 : 1_000;

    public int PostCount => Quick ? 100 : 500;

    public int SequentialPostCount => Quick ? 20 : 100;

    /// <summary>Stored connections for the scan and memory cases; 10,000 of each are due.</summary>
    public IReadOnlyList<int> StoreSizes => Quick ? [2_000, 20_000] : [10_000, 100_000, 1_000_000];

    public int DueCount => Quick ? 2_000 : 10_000;

    /// <summary>Refreshes per run of the store-writes case (of the 10,000 connections its file holds).</summary>
    public int StoreWriteCount => Quick ? 1_000 : 5_000;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--quick" => options with { Quick = true, Runs = 1, Warmup = 0 },
                "--warmup" => options with { Warmup = int.Parse(Next(args, ref i), CultureInfo.InvariantCulture) },
                "--runs" => options with { Runs = int.Parse(Next(args, ref i), CultureInfo.InvariantCulture) },
                "--cases" => options with { Cases = Next(args, ref i).Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToHashSet() },
                "--output" => options with { Output = Next(args, ref i) },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'. Use --quick, --runs N, --warmup N, --cases 1,2,... or --output DIR."),
            };
        }

        return options.Runs < 1 ? throw new ArgumentException("--runs must be at least 1.")
            : options.Warmup < 0 ? throw new ArgumentException("--warmup must be 0 or more.")
            : options;
    }

    private static string Next(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}
