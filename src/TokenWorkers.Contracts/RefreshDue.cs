namespace TokenWorkers.Contracts;

/// <summary>
/// A connection's access token should be refreshed now. Published by the refresh scan when it claims a due connection,
/// and consumed by any worker instance; handling it twice is harmless. Other services may observe it; publishing one
/// only asks for a refresh the schedule already wants (a connection outside its refresh window is left alone).
/// </summary>
public sealed record RefreshDue : IConnectionEvent
{
    /// <inheritdoc />
    public required Guid EventId { get; init; }

    /// <inheritdoc />
    public required string ConnectionId { get; init; }

    /// <inheritdoc />
    public required string TenantId { get; init; }

    /// <inheritdoc />
    public required long Version { get; init; }

    /// <inheritdoc />
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>When the current access token expires, as known when the refresh was scheduled.</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; init; }

    /// <summary>Why the scan dispatched it: <c>scheduled</c> or <c>retry</c>. Informational: the consumer treats every RefreshDue alike.</summary>
    public string Trigger { get; init; } = RefreshTriggers.Scheduled;
}

/// <summary>Known values of <see cref="RefreshDue.Trigger"/>.</summary>
public static class RefreshTriggers
{
    /// <summary>The access token entered its refresh window.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>An earlier attempt failed transiently and its backoff has passed.</summary>
    public const string Retry = "retry";

    /// <summary>
    /// No longer sent, and not honoured when received: forcing a refresh is an operator action through the admin API
    /// (<c>POST /admin/connections/{id}/refresh</c>), not a flag any publisher can set. Kept so code naming it still compiles.
    /// </summary>
    public const string Forced = "forced";
}
