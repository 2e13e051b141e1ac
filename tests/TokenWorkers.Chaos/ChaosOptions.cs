using System.Globalization;

namespace TokenWorkers.Chaos;

/// <summary>
/// What one run does: its seed, its length, how many worker processes, and the compressed lifetimes and fault rhythm of
/// its profile. Everything the schedule draws comes from <see cref="Seed"/>, so a seed replays the same schedule.
/// </summary>
internal sealed record ChaosOptions
{
    public required int Seed { get; init; }

    public required bool Quick { get; init; }

    public required TimeSpan Duration { get; init; }

    public int Instances { get; init; } = 3;

    /// <summary>The sandbox's access-token lifetime; the worker's lead and jitter are set in proportion.</summary>
    public TimeSpan AccessTokenLifetime => Quick ? TimeSpan.FromSeconds(80) : TimeSpan.FromMinutes(4);

    /// <summary>
    /// Shorter than the run (or its drain), so the first wave reaches its hard end and counts down to ReauthRequired; long
    /// enough for a refresh first, since the worker stops extending an access token within a minute of the hard end.
    /// </summary>
    public TimeSpan RefreshTokenLifetime =>
        Duration * 0.75 > AccessTokenLifetime + TimeSpan.FromSeconds(90) ? Duration * 0.75 : AccessTokenLifetime + TimeSpan.FromSeconds(90);

    // RefreshLead cannot go below 1 minute (its validator's floor), which sets the quick profile's 80 s access tokens.
    public TimeSpan RefreshLead => Quick ? TimeSpan.FromSeconds(60) : TimeSpan.FromMinutes(2);

    public TimeSpan RefreshJitter => Quick ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(20);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ClockSkewTolerance { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan KillEvery => Quick ? TimeSpan.FromSeconds(15) : TimeSpan.FromSeconds(30);

    public TimeSpan BrokerRestartEvery => Quick ? Duration : TimeSpan.FromMinutes(3);

    public TimeSpan FaultEvery { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan SubscriberKillEvery => Quick ? TimeSpan.FromSeconds(50) : TimeSpan.FromMinutes(2);

    /// <summary>How long after revoking the app a member who comes back opens the reconnect link (drawn around this).</summary>
    public TimeSpan ReconnectAfter => Quick ? TimeSpan.FromSeconds(20) : TimeSpan.FromSeconds(60);

    public TimeSpan PostEvery => Quick ? TimeSpan.FromMilliseconds(700) : TimeSpan.FromMilliseconds(1200);

    /// <summary>Connections seeded at the start and again in later waves, so some outlive the run and some do not.</summary>
    public int ConnectionsPerWave => Quick ? 8 : 10;

    public int Waves => Quick ? 2 : 3;

    public int Revocations => Quick ? 2 : 4;

    /// <summary>How long the run waits after the last fault for every post to reach an outcome.</summary>
    public TimeSpan DrainLimit { get; init; } = TimeSpan.FromSeconds(100);

    public static ChaosOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        int? seed = null;
        TimeSpan? duration = null;
        var instances = 3;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--quick":
                    break;
                case "--seed":
                    seed = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--duration":
                    duration = ParseDuration(Next());
                    break;
                case "--instances":
                    instances = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException(
                        $"Unknown option {args[i]}. Usage: [--quick] [--seed N] [--duration 120s|10m|00:10:00] [--instances N]");
            }
        }

        if (instances is < 1 or > 8)
        {
            throw new ArgumentException("--instances must be between 1 and 8.");
        }

        var length = duration ?? (quick ? TimeSpan.FromMinutes(2) : TimeSpan.FromMinutes(10));
        if (length < TimeSpan.FromSeconds(60))
        {
            throw new ArgumentException("--duration must be at least 60 s: the lifetimes are compressed in proportion to it.");
        }

        return new ChaosOptions
        {
            Seed = seed ?? Random.Shared.Next(1, 1_000_000),
            Quick = quick,
            Duration = length,
            Instances = instances,
        };
    }

    private static TimeSpan ParseDuration(string text) =>
        text.EndsWith('s') ? TimeSpan.FromSeconds(double.Parse(text[..^1], CultureInfo.InvariantCulture))
        : text.EndsWith('m') ? TimeSpan.FromMinutes(double.Parse(text[..^1], CultureInfo.InvariantCulture))
        : TimeSpan.Parse(text, CultureInfo.InvariantCulture);
}
