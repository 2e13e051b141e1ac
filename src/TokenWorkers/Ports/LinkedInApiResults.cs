using TokenWorkers.Contracts;

namespace TokenWorkers.Ports;

/// <summary>A protocol answer of LinkedIn's REST API (posting, userinfo), as a value; transport faults before sending throw instead.</summary>
public abstract record ApiResult;

/// <summary>Not called: the post's claim was taken over before the call (another instance settles the post).</summary>
public sealed record ClaimLost : ApiResult
{
    public static ClaimLost Instance { get; } = new();
}

/// <summary>201: the post exists with <paramref name="Urn"/> (read from <c>x-restli-id</c>).</summary>
public sealed record PostCreated(string Urn) : ApiResult;

/// <summary>422 DUPLICATE_POST: LinkedIn already has identical content from this author, as <paramref name="EarlierUrn"/>.</summary>
public sealed record PostDuplicate(string EarlierUrn) : ApiResult;

/// <summary><c>/v2/userinfo</c> answered: the author URN is <c>urn:li:person:{sub}</c>.</summary>
public sealed record MemberFound(string MemberUrn) : ApiResult;

/// <summary>
/// <c>organizationAcls?q=roleAssignee</c> answered: the member's page roles, as listed (every state; the caller decides
/// which count).
/// </summary>
public sealed record OrganizationRolesFound(IReadOnlyList<OrganizationRole> Roles) : ApiResult;

/// <summary>One ACL element: <paramref name="Role"/> (e.g. ADMINISTRATOR) in <paramref name="State"/> (e.g. APPROVED) on <paramref name="Organization"/>.</summary>
public sealed record OrganizationRole(string Organization, string Role, string State);

/// <summary>
/// LinkedIn refused the call. <paramref name="Class"/>: Reauth for 401 (the access token is expired, revoked
/// or invalid), Permission for 403, RateLimited for 429 (with <paramref name="RetryAt"/>, the next midnight UTC),
/// Transient for 5xx, 408, 409 and unreadable answers, Invalid for any other 4xx.
/// </summary>
public sealed record ApiRejected(FailureClass Class, int Status, string? Code, string Message, DateTimeOffset? RetryAt = null) : ApiResult;

/// <summary>The request was sent and no answer came back (timeout, connection dropped): LinkedIn may or may not have acted.</summary>
public sealed record PostAnswerLost(string Reason) : ApiResult;

/// <summary>204 to a DELETE: the post is gone (LinkedIn answers 204 again for a post already deleted).</summary>
public sealed record PostRemoved(string Urn) : ApiResult;

/// <summary>404 to a DELETE: LinkedIn knows no post with that URN (never existed, or gone in a way it no longer reports).</summary>
public sealed record PostNotFound(string Urn, string Message) : ApiResult;
