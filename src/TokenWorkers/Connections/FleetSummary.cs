namespace TokenWorkers.Connections;

/// <summary>The fleet at a glance: connections per status, and the next deadlines among the active ones.</summary>
/// <param name="Counts">Connections per status; a status with none is absent.</param>
/// <param name="EarliestAccessTokenExpiry">The first access token of an active connection to expire, if any.</param>
/// <param name="EarliestRefreshTokenEnd">The first refresh-token hard end of an active connection, if any: after it, only the member can revive that connection.</param>
public sealed record FleetSummary(
    IReadOnlyDictionary<ConnectionStatus, long> Counts,
    DateTimeOffset? EarliestAccessTokenExpiry,
    DateTimeOffset? EarliestRefreshTokenEnd)
{
    public static FleetSummary Empty { get; } = new(new Dictionary<ConnectionStatus, long>(), null, null);

    /// <summary>Connections flagged as unreadable (they are also counted under their stored status).</summary>
    public long Unreadable { get; init; }

    public long Total => Counts.Values.Sum();

    public long CountOf(ConnectionStatus status) => Counts.TryGetValue(status, out var count) ? count : 0;
}
