namespace TokenWorkers.Contracts;

/// <summary>
/// A connection's access token should be refreshed now. Published by the refresh scan (or an operator)
/// and consumed by any worker instance; handling it twice is harmless.
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

    /// <summary>Why the refresh was requested: <c>scheduled</c>, <c>retry</c> or <c>forced</c>.</summary>
    public string Trigger { get; init; } = RefreshTriggers.Scheduled;
}

/// <summary>Known values of <see cref="RefreshDue.Trigger"/>.</summary>
public static class RefreshTriggers
{
    /// <summary>The access token entered its refresh window.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>An earlier attempt failed transiently and its backoff has passed.</summary>
    public const string Retry = "retry";

    /// <summary>An operator or another service asked for a refresh.</summary>
    public const string Forced = "forced";
}
