using System.Text;
using TokenWorkers.Connections;

namespace TokenWorkers.Admin;

/// <summary>
/// What the status page shows, from its query string: <c>tenant</c>, <c>app</c>, <c>health</c>, and where the page starts
/// (<c>after</c> an id going forwards, or <c>before</c> one going back). The links of the page are made here too, so
/// every link keeps the filter.
/// </summary>
public sealed record StatusFilter(
    string? TenantId = null, ConnectionHealth? Health = null, string? After = null, string? Before = null, string? App = null)
{
    /// <summary>Longer than any tenant or connection id the worker accepts; a longer value is a mistake, not a filter.</summary>
    public const int MaxValueLength = 256;

    /// <summary>The filter, or why the query string is not one (for a 400 that names the parameter).</summary>
    public static (StatusFilter? Filter, string? Problem) Parse(string? tenant, string? health, string? after, string? before, string? app = null)
    {
        foreach (var (name, value) in new[] { ("tenant", tenant), ("app", app), ("after", after), ("before", before) })
        {
            if (value is { Length: > MaxValueLength })
            {
                return (null, $"The '{name}' parameter is longer than {MaxValueLength} characters.");
            }
        }

        if (!string.IsNullOrEmpty(after) && !string.IsNullOrEmpty(before))
        {
            return (null, "Give 'after' (the next page) or 'before' (the previous page), not both.");
        }

        ConnectionHealth? parsedHealth = null;
        if (!string.IsNullOrEmpty(health))
        {
            // Names only: Enum.TryParse would also take "4" or "Dead,Healthy".
            if (!Enum.GetNames<ConnectionHealth>().Contains(health, StringComparer.Ordinal))
            {
                return (null, $"The 'health' parameter must be one of {string.Join(", ", Enum.GetNames<ConnectionHealth>())}.");
            }

            parsedHealth = Enum.Parse<ConnectionHealth>(health);
        }

        return (new StatusFilter(NullIfEmpty(tenant), parsedHealth, NullIfEmpty(after), NullIfEmpty(before), NullIfEmpty(app)), null);
    }

    /// <summary>The stored statuses a connection of <see cref="Health"/> can have: the store narrows, the page decides.</summary>
    public IReadOnlyList<ConnectionStatus>? Statuses => Health switch
    {
        null => null,
        ConnectionHealth.Disconnected => [ConnectionStatus.Disconnected],
        ConnectionHealth.Dead => [ConnectionStatus.Active, ConnectionStatus.ReauthRequired],
        _ => [ConnectionStatus.Active],
    };

    public bool IsFiltered => TenantId is not null || App is not null || Health is not null;

    /// <summary>The part of the fleet the charts count: the tenant and app filters (health is a property of each row, not of a count).</summary>
    public FleetScope Scope => new(TenantId, App);

    /// <summary>Whether a row of the page belongs: an unreadable row has no health, so it shows only without a health filter.</summary>
    public bool Matches(Connection? connection, DateTimeOffset now) =>
        Health is not { } health || (connection is not null && ConnectionHealths.Of(connection, now) == health);

    /// <summary>A link to the status page with this filter, starting after or before <paramref name="id"/> (or at the start).</summary>
    public string Link(string? after = null, string? before = null)
    {
        var query = new List<string>();
        Add("tenant", TenantId);
        Add("app", App);
        Add("health", Health?.ToString());
        Add("after", after);
        Add("before", before);
        return query.Count == 0 ? "status" : new StringBuilder("status?").AppendJoin("&", query).ToString();

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
