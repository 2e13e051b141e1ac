using System.Text.Json.Serialization;
using TokenWorkers.Contracts.Serialization;

namespace TokenWorkers.Contracts;

/// <summary>Why a member has to log in again, or soon will.</summary>
[JsonConverter(typeof(EnumNameConverter<ReauthReason>))]
public enum ReauthReason
{
    /// <summary>LinkedIn rejected the refresh token (revoked by the member or by LinkedIn, or expired).</summary>
    GrantRejected = 1,

    /// <summary>The refresh token reaches its hard end, fixed at the first grant and never extended by refreshing.</summary>
    RefreshTokenEnding = 2,

    /// <summary>The application has no programmatic refresh, so the access token cannot be renewed without the member.</summary>
    NoRefreshToken = 3,

    /// <summary>
    /// LinkedIn refused the access token (401) and refreshing could not cure it: the connection has no usable refresh token,
    /// or a freshly refreshed token was refused too. Typically the member revoked the application.
    /// </summary>
    AccessTokenRejected = 4,
}
