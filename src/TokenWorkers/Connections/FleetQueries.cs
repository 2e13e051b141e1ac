namespace TokenWorkers.Connections;

/// <summary>
/// One page of <see cref="IConnectionStore.ListAsync(ConnectionListQuery, CancellationToken)"/>: connections of one tenant
/// and of some statuses, by id (UTF-8 bytes), after <see cref="After"/> or, going back, before <see cref="Before"/>.
/// </summary>
public sealed record ConnectionListQuery
{
    /// <summary>The most rows the page holds, readable or not; at least 1.</summary>
    public required int Limit { get; init; }

    /// <summary>Only this tenant's connections; every tenant's when null.</summary>
    public string? TenantId { get; init; }

    /// <summary>Only connections of this LinkedIn app (<see cref="Connection.App"/>); every app's when null.</summary>
    public string? App { get; init; }

    /// <summary>Only connections in one of these statuses; every status when null.</summary>
    public IReadOnlyList<ConnectionStatus>? Statuses { get; init; }

    /// <summary>Start after this id (ascending order).</summary>
    public string? After { get; init; }

    /// <summary>
    /// When set, the page just before this id instead, read backwards: descending id order, and
    /// <see cref="Events.ReadBatch{T}.LastId"/> is then the smallest id read, where the page before it ends.
    /// </summary>
    public string? Before { get; init; }
}

/// <summary>Which part of the fleet a chart counts: one tenant's, one app's, both or (all null) everything.</summary>
public sealed record FleetScope(string? TenantId = null, string? App = null)
{
    public static FleetScope Everything { get; } = new();
}

/// <summary>
/// The deadlines of the active connections in a window, as <see cref="IConnectionStore.ListDeadlinesAsync"/> finds them:
/// what a calendar of the coming weeks counts. Instants only: no connection, no token.
/// </summary>
/// <param name="AccessTokenExpiries">Access-token expiries in the window, in no particular order.</param>
/// <param name="RefreshTokenEnds">Refresh-token hard ends in the window, in no particular order.</param>
public sealed record FleetDeadlines(IReadOnlyList<DateTimeOffset> AccessTokenExpiries, IReadOnlyList<DateTimeOffset> RefreshTokenEnds)
{
    public static FleetDeadlines None { get; } = new([], []);
}
