namespace TokenWorkers.Contracts;

/// <summary>A connection has a new access token. Carries expiries only, never a token.</summary>
public sealed record TokenRefreshed : IConnectionEvent
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

    /// <summary>When the new access token expires; never later than <see cref="RefreshTokenExpiresAt"/>.</summary>
    public required DateTimeOffset AccessTokenExpiresAt { get; init; }

    /// <summary>The refresh token's hard end, fixed at the first grant; null when LinkedIn never said.</summary>
    public DateTimeOffset? RefreshTokenExpiresAt { get; init; }

    /// <summary>True when LinkedIn returned a different refresh token than the one stored.</summary>
    public bool RefreshTokenRotated { get; init; }

    /// <summary>The scopes LinkedIn reports for the new token.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];
}
