namespace TokenWorkers.Tests.Contracts.ApiSamples;

// Versions of one contract, each with one change, for PublicApiDiffTests: a test generates the public API of one of
// them, renames it to Post, and compares it with Post's. Only the change differs.

public sealed record Post
{
    public required string PostId { get; init; }

    public required string Text { get; init; }

    public string? TenantId { get; init; }

    public Visibility Visibility { get; init; } = Visibility.Public;
}

public sealed record PostWithoutTenant
{
    public required string PostId { get; init; }

    public required string Text { get; init; }

    public Visibility Visibility { get; init; } = Visibility.Public;
}

public sealed record PostWithBodyForText
{
    public required string PostId { get; init; }

    public required string Body { get; init; }

    public string? TenantId { get; init; }

    public Visibility Visibility { get; init; } = Visibility.Public;
}

public sealed record PostWithGuidId
{
    public required Guid PostId { get; init; }

    public required string Text { get; init; }

    public string? TenantId { get; init; }

    public Visibility Visibility { get; init; } = Visibility.Public;
}

public sealed record PostRequiringTenant
{
    public required string PostId { get; init; }

    public required string Text { get; init; }

    public required string? TenantId { get; init; }

    public Visibility Visibility { get; init; } = Visibility.Public;
}

public sealed record PostWithOptionalText
{
    public required string PostId { get; init; }

    public string Text { get; init; } = "";

    public string? TenantId { get; init; }

    public Visibility Visibility { get; init; } = Visibility.Public;
}

public sealed record PostWithRequiredLanguage
{
    public required string PostId { get; init; }

    public required string Text { get; init; }

    public string? TenantId { get; init; }

    public Visibility Visibility { get; init; } = Visibility.Public;

    public required string Language { get; init; }
}

public sealed record PostWithOptionalLanguage
{
    public required string PostId { get; init; }

    public required string Text { get; init; }

    public string? TenantId { get; init; }

    public Visibility Visibility { get; init; } = Visibility.Public;

    public string? Language { get; init; }
}

public sealed record PostDeprecatingTenant
{
    public required string PostId { get; init; }

    public required string Text { get; init; }

    [Obsolete("Tenants are implied by the connection.")]
    public string? TenantId { get; init; }

    public Visibility Visibility { get; init; } = Visibility.Public;
}

public sealed record PostWithTextAsBody
{
    public required string PostId { get; init; }

    [System.Text.Json.Serialization.JsonPropertyName("body")]
    public required string Text { get; init; }

    public string? TenantId { get; init; }

    public Visibility Visibility { get; init; } = Visibility.Public;
}

public enum Visibility
{
    Public = 1,
    Connections = 2,
}

public enum VisibilityWithLoggedIn
{
    Public = 1,
    Connections = 2,
    LoggedIn = 3,
}

public enum VisibilityRenumbered
{
    Public = 1,
    Connections = 3,
}
