namespace TokenWorkers.Contracts;

/// <summary>Why a member has to log in again, or soon will.</summary>
public enum ReauthReason
{
    /// <summary>LinkedIn rejected the refresh token (revoked by the member or by LinkedIn, or expired).</summary>
    GrantRejected = 1,

    /// <summary>The refresh token reaches its hard end, fixed at the first grant and never extended by refreshing.</summary>
    RefreshTokenEnding = 2,

    /// <summary>The application has no programmatic refresh, so the access token cannot be renewed without the member.</summary>
    NoRefreshToken = 3,
}
