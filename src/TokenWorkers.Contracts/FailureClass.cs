using System.Text.Json.Serialization;
using TokenWorkers.Contracts.Serialization;

namespace TokenWorkers.Contracts;

/// <summary>
/// The class every LinkedIn answer falls into; it decides what the worker does next.
/// </summary>
[JsonConverter(typeof(EnumNameConverter<FailureClass>))]
public enum FailureClass
{
    /// <summary>Timeout, connection reset, 5xx, 409 or an unreadable body: retried with backoff; the token stays.</summary>
    Transient = 1,

    /// <summary>429: waited out until the limit resets (midnight UTC for daily limits); the token stays.</summary>
    RateLimited = 2,

    /// <summary>The grant is dead (revoked, expired, or never refreshable): only the member logging in again fixes it.</summary>
    Reauth = 3,

    /// <summary>The application is misconfigured (for example <c>invalid_client</c>): members cannot fix it by logging in.</summary>
    Configuration = 4,

    /// <summary>403 ACCESS_DENIED: a scope or product is missing for this operation; the token stays.</summary>
    Permission = 5,

    /// <summary>A command refused as it is (blank or too long text, unknown connection, bad URL, content LinkedIn rejects): sending it again cannot help.</summary>
    Invalid = 6,
}
