namespace TokenWorkers.Chaos;

/// <summary>One thing the harness does at <see cref="At"/> after the start.</summary>
internal abstract record ChaosStep(TimeSpan At);

/// <summary>SIGKILL the worker in <see cref="Slot"/> (or the next running one) and start it again.</summary>
internal sealed record KillWorker(TimeSpan At, int Slot) : ChaosStep(At);

/// <summary>rabbitmqctl stop_app, a pause, start_app: every connection drops.</summary>
internal sealed record RestartBroker(TimeSpan At, TimeSpan Downtime) : ChaosStep(At);

/// <summary>Queue <see cref="Count"/> faults at one sandbox endpoint (its control surface's names).</summary>
internal sealed record SandboxFaultStep(TimeSpan At, string Endpoint, string Fault, int Count, double DelayMs = 0) : ChaosStep(At);

/// <summary>The next refresh of any grant rotates (a new refresh token) or omits the refresh token.</summary>
internal sealed record RefreshTokenQuirk(TimeSpan At, string Kind) : ChaosStep(At);

/// <summary>
/// The member behind the connection at <see cref="ConnectionIndex"/> removes the app; unless <see cref="ReconnectAfter"/>
/// is null, they come back through the connect flow that long after, with the link of the ReauthRequired they were sent.
/// </summary>
internal sealed record RevokeGrant(TimeSpan At, int ConnectionIndex, TimeSpan? ReconnectAfter) : ChaosStep(At);

/// <summary>SIGKILL the subscriber process and start it again: its durable queue keeps what is published meanwhile.</summary>
internal sealed record KillSubscriber(TimeSpan At) : ChaosStep(At);

/// <summary>A wave of members connects (seeded grants stored as new connections).</summary>
internal sealed record ConnectWave(TimeSpan At, int Wave) : ChaosStep(At);

/// <summary>
/// The whole schedule, drawn from the seed before anything starts. Replaying a seed replays these steps at these times;
/// which call a queued fault meets depends on timing between processes, which no seed fixes.
/// </summary>
internal static class ChaosPlan
{
    public static IReadOnlyList<ChaosStep> For(ChaosOptions options)
    {
        var random = new Random(options.Seed);
        var steps = new List<ChaosStep>();
        TimeSpan Jittered(TimeSpan every) => every * (0.7 + (0.6 * random.NextDouble()));

        for (var wave = 1; wave < options.Waves; wave++)
        {
            steps.Add(new ConnectWave(options.Duration * wave / options.Waves, wave));
        }

        for (var at = Jittered(options.KillEvery); at < options.Duration; at += Jittered(options.KillEvery))
        {
            steps.Add(new KillWorker(at, random.Next(options.Instances)));
        }

        // The quick run restarts the broker once, in its middle; the full run every few minutes.
        for (var at = options.Quick ? options.Duration / 2 : Jittered(options.BrokerRestartEvery);
             at < options.Duration; at += Jittered(options.BrokerRestartEvery))
        {
            steps.Add(new RestartBroker(at, TimeSpan.FromSeconds(2 + random.Next(4))));
        }

        var slow = options.RequestTimeout.TotalMilliseconds + 2_000;
        var tooManyDone = false;
        for (var at = Jittered(options.FaultEvery); at < options.Duration; at += Jittered(options.FaultEvery))
        {
            var roll = random.Next(100);
            steps.Add(roll switch
            {
                < 22 => new SandboxFaultStep(at, "accessToken", random.Next(2) == 0 ? "500" : "503", 1 + random.Next(2)),
                < 50 => new SandboxFaultStep(at, "ugcPosts", random.Next(2) == 0 ? "500" : "503", 1 + random.Next(2)),
                < 58 => new SandboxFaultStep(at, "accessToken", "delay", 1, slow),
                < 66 => new SandboxFaultStep(at, "ugcPosts", "delay", 1, slow),
                < 72 => new SandboxFaultStep(at, "accessToken", "drop", 1),
                < 84 => new SandboxFaultStep(at, "ugcPosts", "504-after", 1),
                < 88 => new SandboxFaultStep(at, "ugcPosts", "drop", 1),
                < 94 => new RefreshTokenQuirk(at, "rotate-next"),
                _ => new RefreshTokenQuirk(at, "omit-next"),
            });

            // One burst of 429s on posting per run: LinkedIn's throttle holds the member's posts until midnight UTC.
            if (!tooManyDone && at > options.Duration / 3)
            {
                steps.Add(new SandboxFaultStep(at, "ugcPosts", "429", 3));
                tooManyDone = true;
            }
        }

        var seeded = options.ConnectionsPerWave * options.Waves;
        for (var i = 0; i < options.Revocations; i++)
        {
            var at = options.Duration * (0.1 + (0.8 * random.NextDouble()));
            var connection = random.Next(seeded);
            // Most members come back; every fourth stays away, so posts held for a re-authorization stay in the run too.
            var reconnectAfter = i % 4 == 3 ? (TimeSpan?)null : options.ReconnectAfter * (0.5 + random.NextDouble());
            steps.Add(new RevokeGrant(at, connection, reconnectAfter));
        }

        for (var at = Jittered(options.SubscriberKillEvery); at < options.Duration; at += Jittered(options.SubscriberKillEvery))
        {
            steps.Add(new KillSubscriber(at));
        }

        return [.. steps.OrderBy(s => s.At)];
    }

    /// <summary>The sender's draws: its own stream, so adding a fault kind does not change which posts are sent.</summary>
    public static Random SenderRandom(ChaosOptions options) => new(unchecked((options.Seed * 7919) + 17));
}
