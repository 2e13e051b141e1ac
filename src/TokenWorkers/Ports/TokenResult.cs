using TokenWorkers.Connections;
using TokenWorkers.Contracts;

namespace TokenWorkers.Ports;

/// <summary>What LinkedIn's token endpoint answered, as a value: granted, or failed with a class.</summary>
public abstract record TokenResult;

/// <summary>
/// LinkedIn issued tokens. Lifetimes are relative to <see cref="RequestedAt"/>, the moment the request left.
/// <see cref="Clamped"/> names the lifetimes LinkedIn gave beyond their documented maximum, which were cut to it.
/// </summary>
public sealed record TokenGranted(
    SecretToken AccessToken,
    TimeSpan ExpiresIn,
    SecretToken? RefreshToken,
    TimeSpan? RefreshTokenExpiresIn,
    IReadOnlyList<string> Scopes,
    DateTimeOffset RequestedAt,
    string? Clamped = null) : TokenResult
{
    /// <summary>Measured from the request's start, so clock drift during the call only makes us refresh earlier.</summary>
    public DateTimeOffset AccessTokenExpiresAt => RequestedAt + ExpiresIn;

    /// <summary>The grant as the connection's transitions take it, with absolute expiries.</summary>
    public TokenGrant ToGrant() =>
        new(AccessToken, AccessTokenExpiresAt, RefreshToken, RefreshTokenExpiresIn is { } left ? RequestedAt + left : null, Scopes);
}

/// <summary>
/// LinkedIn refused or could not answer. <see cref="Description"/> is LinkedIn's own description
/// (bounded, never containing a token we sent); <see cref="RetryAt"/> is set for rate limits.
/// </summary>
public sealed record TokenFailed(
    FailureClass Class,
    string? ErrorCode,
    string Description,
    int? StatusCode,
    DateTimeOffset? RetryAt = null) : TokenResult;

/// <summary>
/// LinkedIn's introspection answered 200 (docs/linkedin-api.md §3.1). <see cref="Active"/> is whether the token is usable
/// now; <see cref="Status"/> says why not (<c>expired</c>, <c>revoked</c>) when LinkedIn says. The times are LinkedIn's
/// epoch seconds, each absent when LinkedIn left it out. Scopes are the comma-separated <c>scope</c>, split.
/// </summary>
public sealed record TokenIntrospected(
    bool Active,
    string? Status,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? AuthorizedAt,
    IReadOnlyList<string> Scopes) : TokenResult;
