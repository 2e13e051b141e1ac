namespace TokenWorkers.Connections;

/// <summary>
/// Tokens LinkedIn granted (by authorization or refresh), as the connection's transitions take them. Expiries are
/// absolute, measured from the moment the request left, so clock drift during the call only makes us refresh earlier.
/// </summary>
/// <param name="RefreshTokenEndsAt">The refresh token's end as this grant states it; only the first grant's counts.</param>
public sealed record TokenGrant(
    SecretToken AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    SecretToken? RefreshToken,
    DateTimeOffset? RefreshTokenEndsAt,
    IReadOnlyList<string> Scopes);
