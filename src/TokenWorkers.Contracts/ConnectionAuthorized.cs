namespace TokenWorkers.Contracts;

/// <summary>
/// A member completed the connect flow: the connection holds tokens from a new grant. Published for a first
/// connection and for a reconnection (which keeps the connection's id and history), and for tokens an operator imported
/// (<see cref="Imported"/>).
/// </summary>
public sealed record ConnectionAuthorized : IConnectionEvent
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

    /// <summary>The member who authorized, <c>urn:li:person:{sub}</c>.</summary>
    public required string MemberUrn { get; init; }

    /// <summary>True when the connection existed before (a reconnection).</summary>
    public required bool Reconnected { get; init; }

    /// <summary>When the new access token expires.</summary>
    public DateTimeOffset? AccessTokenExpiresAt { get; init; }

    /// <summary>The refresh token's hard end, fixed by this grant; null for apps without programmatic refresh.</summary>
    public DateTimeOffset? RefreshTokenExpiresAt { get; init; }

    /// <summary>The scopes the member granted.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>
    /// True when the tokens were not obtained by the connect flow but imported by an operator from an earlier system
    /// (<c>POST /admin/connections/import</c> or <c>TokenWorkers import</c>); absent (false) from versions before 1.3.0.
    /// </summary>
    public bool Imported { get; init; }

    /// <summary>
    /// The name of the LinkedIn app the member authorized (<c>default</c> unless the worker is configured with several apps);
    /// null from versions before 1.5.0, which knew one app only.
    /// </summary>
    public string? App { get; init; }
}
