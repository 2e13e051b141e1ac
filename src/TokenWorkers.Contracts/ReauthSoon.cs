namespace TokenWorkers.Contracts;

/// <summary>
/// The connection will need the member to log in again by <see cref="Deadline"/>. Sent once for each
/// warning threshold (by default 30, 14, 7 and 1 days ahead), so people can act before anything breaks.
/// </summary>
public sealed record ReauthSoon : IConnectionEvent
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

    /// <summary>Always <see cref="FailureClass.Reauth"/>: what the connection will fail with if nobody acts.</summary>
    public required FailureClass FailureClass { get; init; }

    /// <summary>Why a new login will be needed.</summary>
    public required ReauthReason Reason { get; init; }

    /// <summary>LinkedIn's error code, when a LinkedIn answer caused the warning.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>When the connection stops working unless the member logs in again.</summary>
    public required DateTimeOffset Deadline { get; init; }

    /// <summary>The warning threshold this event is for, in days before the deadline.</summary>
    public required int DaysBefore { get; init; }

    /// <summary>A link that starts the connect flow for this connection, when the worker serves one.</summary>
    public Uri? ReconnectUrl { get; init; }
}
