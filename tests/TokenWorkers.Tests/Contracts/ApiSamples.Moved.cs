namespace TokenWorkers.Tests.Contracts.ApiSamples.Moved;

/// <summary><see cref="ApiSamples.Post"/> in another namespace: to MassTransit, another message type.</summary>
public sealed record Post
{
    public required string PostId { get; init; }

    public required string Text { get; init; }

    public string? TenantId { get; init; }

    public ApiSamples.Visibility Visibility { get; init; } = ApiSamples.Visibility.Public;
}
