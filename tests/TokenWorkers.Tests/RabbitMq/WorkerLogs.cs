using System.Text.Json;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>What a worker process says about each RefreshDue it handles, read back from its JSON console log.</summary>
internal static class WorkerLogs
{
    private const string Refresher = "TokenWorkers.Refresh.ConnectionRefresher";
    private const int Skipped = 100;

    // The refresher's other endings of one RefreshDue, by log event id (ConnectionRefresher's LoggerMessages).
    private static readonly Dictionary<int, string> Endings = new()
    {
        [101] = "Refreshed",
        [102] = "ReauthRequired",
        [103] = "LostRace",
        [104] = "TransientFailure",
        [105] = "RateLimited",
        [106] = "ConfigurationFailure",
        [107] = "LeaseLost",
    };

    /// <summary>Settings that make a worker process log every refresh it did or skipped, one JSON object per line.</summary>
    public static Dictionary<string, string?> RefreshDecisions() => new()
    {
        ["Log:Format"] = "Json",
        [$"Serilog:MinimumLevel:Override:{Refresher}"] = "Debug",
    };

    /// <summary>
    /// One entry per RefreshDue the process handled: the connection and what came of it (<c>Refreshed</c>, another ending
    /// such as <c>LeaseLost</c>, or why it was skipped: <c>Leased</c>, <c>NotDue</c>, ...), from a log written with
    /// <see cref="RefreshDecisions()"/>.
    /// </summary>
    public static IReadOnlyList<(string ConnectionId, string Outcome)> RefreshDecisions(string output)
    {
        var decisions = new List<(string, string)>();
        foreach (var line in output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!line.StartsWith('{') || Decision(line) is not { } decision)
            {
                continue;
            }

            decisions.Add(decision);
        }

        return decisions;
    }

    private static (string, string)? Decision(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        if (!root.TryGetProperty("SourceContext", out var source) || source.GetString() != Refresher
            || !root.TryGetProperty("EventId", out var eventId) || !root.TryGetProperty("ConnectionId", out var connection))
        {
            return null;
        }

        var id = eventId.GetProperty("Id").GetInt32();
        return id == Skipped ? (connection.GetString()!, root.GetProperty("Outcome").GetString()!)
            : Endings.TryGetValue(id, out var ending) ? (connection.GetString()!, ending)
            : null;
    }
}
