namespace TokenWorkers.Contracts;

/// <summary>
/// The connection cannot be kept alive without the member logging in again. Emitted once per
/// broken grant; subscribe to it to ask the person to reconnect.
/// </summary>
public sealed record ReauthRequired : IConnectionEvent
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

    /// <summary>Always <see cref="FailureClass.Reauth"/> today; carried so consumers can route on it.</summary>
    public required FailureClass FailureClass { get; init; }

    /// <summary>Why the member must log in again.</summary>
    public required ReauthReason Reason { get; init; }

    /// <summary>LinkedIn's error code when LinkedIn gave one (for example <c>invalid_request</c>, <c>invalid_grant</c>, <c>65601</c>).</summary>
    public string? ErrorCode { get; init; }

    /// <summary>
    /// The name of the LinkedIn app the connection belongs to: the member logs in again through that app. Null from
    /// versions before 1.5.0, which knew one app only.
    /// </summary>
    public string? App { get; init; }

    /// <summary>
    /// When the connection stops (or stopped) working: the access token's expiry. Posts fail after it.
    /// </summary>
    public DateTimeOffset? Deadline { get; init; }

    /// <summary>A link that starts the connect flow for this connection, when the worker serves one.</summary>
    public Uri? ReconnectUrl { get; init; }
}
