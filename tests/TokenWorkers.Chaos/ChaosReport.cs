using System.Globalization;
using System.Text;
using System.Text.Json;
using TokenWorkers.Contracts;

namespace TokenWorkers.Chaos;

/// <summary>artifacts/chaos/report.json and report.md: the run's figures and each invariant's violation count, with examples.</summary>
internal static class ChaosReport
{
    private const int Examples = 5;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static Dictionary<string, object> Counts(Evidence e, ChaosRun run)
    {
        var refreshes = e.Calls.Count(c => c.Endpoint == "accessToken" && c.GrantType == "refresh_token" && c.IssuedTokenFingerprint is not null);
        var outcomes = e.PostEvents.DistinctBy(p => p.EventId).ToArray();
        return new Dictionary<string, object>
        {
            ["connections"] = e.Connections.Count,
            ["refreshExchanges"] = refreshes,
            ["tokenRefreshedEvents"] = e.ConnectionEvents.OfType<TokenRefreshed>().Count(),
            ["reauthRequiredEvents"] = e.ConnectionEvents.OfType<ReauthRequired>().Count(),
            ["reauthSoonEvents"] = e.ConnectionEvents.OfType<ReauthSoon>().Count(),
            ["postIds"] = e.Posts.Count,
            ["postSends"] = e.Posts.Sum(p => p.Sends),
            ["postsCreatedAtLinkedIn"] = e.CreatedPosts.Count,
            ["postPublished"] = outcomes.OfType<PostPublished>().Count(),
            ["postFailed"] = outcomes.OfType<PostFailed>().Count(),
            ["postOutcomeUnknown"] = outcomes.OfType<PostOutcomeUnknown>().Count(),
            ["eventDeliveries"] = e.ConnectionEvents.Count + e.PostEvents.Count,
            ["kills"] = e.Kills.Count,
            ["brokerRestarts"] = run.BrokerRestarts,
            ["revocations"] = e.Revoked.Count,
            ["reconnects"] = e.Reconnections.Count,
            ["subscriberKills"] = run.Faults.GetValueOrDefault("subscriber killed"),
            ["errorQueueMessages"] = e.ErrorMessages.Count,
            ["sandboxRequests"] = e.Calls.Count,
        };
    }

    public static void Write(string directory, ChaosOptions options, TimeSpan wall, Evidence e, ChaosRun run, IReadOnlyList<Verdict> verdicts)
    {
        var counts = Counts(e, run);
        var json = new Dictionary<string, object>
        {
            ["seed"] = options.Seed,
            ["profile"] = options.Quick ? "quick" : "full",
            ["instances"] = options.Instances,
            ["startedAt"] = (e.EndedAt - wall).ToString("u", CultureInfo.InvariantCulture),
            ["durations"] = new Dictionary<string, double>
            {
                ["chaosSeconds"] = options.Duration.TotalSeconds,
                ["drainSeconds"] = Math.Round(run.DrainTime.TotalSeconds),
                ["wallSeconds"] = Math.Round(wall.TotalSeconds),
            },
            ["lifetimes"] = new Dictionary<string, double>
            {
                ["accessTokenSeconds"] = options.AccessTokenLifetime.TotalSeconds,
                ["refreshTokenSeconds"] = options.RefreshTokenLifetime.TotalSeconds,
                ["refreshLeadSeconds"] = options.RefreshLead.TotalSeconds,
                ["requestTimeoutSeconds"] = options.RequestTimeout.TotalSeconds,
            },
            ["counts"] = counts,
            ["faults"] = run.Faults,
            ["invariants"] = verdicts.ToDictionary(v => v.Name, v => v.Violations.Count),
            ["explained"] = verdicts.ToDictionary(v => v.Name, v => v.Explained.Count),
            ["stepFailures"] = run.StepFailures,
            ["restartFailures"] = run.RestartFailures,
        };
        File.WriteAllText(Path.Combine(directory, "report.json"), JsonSerializer.Serialize(json, Indented));

        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Chaos run, seed {options.Seed}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{(options.Quick ? "Quick" : "Full")} profile, {options.Instances} workers, {options.Duration.TotalSeconds:0} s of faults, " +
            $"{run.DrainTime.TotalSeconds:0} s of drain, {wall.TotalSeconds:0} s wall. Replay: `make chaos{(options.Quick ? "-quick" : "")} SEED={options.Seed}`.");
        md.AppendLine();
        md.AppendLine("| count | value |");
        md.AppendLine("| --- | --- |");
        foreach (var (name, value) in counts)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");
        }

        md.AppendLine();
        md.AppendLine("| fault injected | count |");
        md.AppendLine("| --- | --- |");
        foreach (var (name, value) in run.Faults.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");
        }

        md.AppendLine();
        md.AppendLine("| invariant | violations | explained |");
        md.AppendLine("| --- | --- | --- |");
        foreach (var v in verdicts)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {v.Name}: {v.Meaning} | {v.Violations.Count} | {v.Explained.Count} |");
        }

        foreach (var v in verdicts.Where(v => v.Violations.Count > 0 || v.Explained.Count > 0))
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"## {v.Name}");
            foreach (var example in v.Violations.Take(Examples))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- violation: {example}");
            }

            foreach (var example in v.Explained.Take(Examples))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- explained: {example}");
            }
        }

        foreach (var failure in run.StepFailures.Concat(run.RestartFailures))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- harness: {failure}");
        }

        File.WriteAllText(Path.Combine(directory, "report.md"), md.ToString());
    }
}
