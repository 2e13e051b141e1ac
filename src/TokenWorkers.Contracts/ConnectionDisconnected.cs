namespace TokenWorkers.Contracts;

/// <summary>
/// An operator disconnected the connection: its tokens were revoked at LinkedIn and wiped from the store. Nothing
/// refreshes it any more; posts for it wait until the member connects again through the connect flow.
/// </summary>
public sealed record ConnectionDisconnected : IConnectionEvent
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

    /// <summary>Why, as the operator gave it; null when no reason was given.</summary>
    public string? Reason { get; init; }

    /// <summary>The URL that starts the connect flow for this connection; null when the flow is not enabled.</summary>
    public Uri? ReconnectUrl { get; init; }
}
