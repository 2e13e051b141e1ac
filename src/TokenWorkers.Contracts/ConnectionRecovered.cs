namespace TokenWorkers.Contracts;

/// <summary>A connection that had a problem refreshed successfully again.</summary>
public sealed record ConnectionRecovered : IConnectionEvent
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

    /// <summary>The class of the last failure before the recovery.</summary>
    public required FailureClass PreviousFailureClass { get; init; }

    /// <summary>When the first failure of the problem period happened.</summary>
    public DateTimeOffset? ProblemSince { get; init; }

    /// <summary>How many attempts failed before this success.</summary>
    public int FailedAttempts { get; init; }
}
