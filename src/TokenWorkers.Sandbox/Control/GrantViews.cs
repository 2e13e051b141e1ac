namespace TokenWorkers.Sandbox;

/// <summary>
/// A grant seeded without the browser step: the values a token response carries (issued at the
/// sandbox's now) plus the grant's id.
/// </summary>
public sealed record SeededGrant(
    string GrantId,
    string AccessToken,
    long ExpiresIn,
    string? RefreshToken,
    long? RefreshTokenExpiresIn,
    string Scope,
    string TokenType,
    string? IdToken);

/// <summary>A snapshot of a grant, for tests and the control surface; fingerprints only, never token values.</summary>
public sealed record SandboxGrant(
    string GrantId,
    string ClientId,
    string MemberSub,
    IReadOnlyList<string> Scopes,
    DateTimeOffset AuthorizedAt,
    DateTimeOffset RefreshTokenExpiresAt,
    bool IsRevoked,
    string? AccessTokenFingerprint,
    DateTimeOffset? AccessTokenExpiresAt,
    string? RefreshTokenFingerprint);
