using System.Globalization;
using System.Text.Json.Serialization;
using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Hosting;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// <c>GET /v2/organizationAcls</c> and <c>GET /rest/organizationAcls</c> with the <c>roleAssignee</c> finder: the calling
/// member's page roles (docs/linkedin-api.md §9.3), filtered by <c>role</c> and <c>state</c>, paged by <c>start</c>/<c>count</c>.
/// </summary>
internal sealed class OrganizationAclsEndpoint(ApiAuthenticator authenticator, OrganizationDirectory organizations)
{
    /// <summary>
    /// Which scope the finder needs is unconfirmed (Open question 20): the sandbox accepts any organization scope and answers
    /// the documented 403 ACCESS_DENIED shape without one.
    /// </summary>
    public static readonly string[] AnyOfScopes = [Scopes.OrganizationSocial, "r_organization_social", "rw_organization_admin", "r_organization_admin"];

    private const int DefaultCount = 10;

    public ValueTask<IResult> HandleV2Async(HttpContext http, CallRecord call) => ValueTask.FromResult(Handle(http, call, rest: false));

    public ValueTask<IResult> HandleRestAsync(HttpContext http, CallRecord call) => ValueTask.FromResult(Handle(http, call, rest: true));

    private IResult Handle(HttpContext http, CallRecord call, bool rest)
    {
        var (grant, member, error) = authenticator.Authenticate(http, call, posting: false);
        if (error is not null)
        {
            return error;
        }

        var version = "NO_VERSION";
        if (rest)
        {
            version = http.Request.Headers["LinkedIn-Version"].ToString();
            if (version.Length == 0)
            {
                return ApiErrors.VersionMissing(call);
            }

            if (!PostsEndpoint.VersionFormat().IsMatch(version))
            {
                return ApiErrors.VersionInactive(call, version);
            }
        }

        var query = http.Request.Query;
        if (query["q"] != "roleAssignee")
        {
            return ApiErrors.BadRequest(call, "The sandbox serves only the roleAssignee finder (q=roleAssignee)");
        }

        if (!AnyOfScopes.Any(grant!.Contains))
        {
            return ApiErrors.AccessDenied(call, "organizationAcls.FINDER-roleAssignee." + version);
        }

        if (http.Request.Headers["X-Restli-Protocol-Version"] != "2.0.0")
        {
            return ApiErrors.BadRequest(call, "The X-Restli-Protocol-Version header must be 2.0.0");
        }

        if (rest && query.ContainsKey("projection"))
        {
            // §9.3: projections were removed from /rest/organizationAcls (202304); the error's body was not captured.
            return ApiErrors.BadRequest(call, "Projections are not supported by this API version");
        }

        if (!TryPaging(query, out var start, out var count))
        {
            return ApiErrors.BadRequest(call, "start must be 0 or more and count 1 or more");
        }

        var role = query["role"].ToString();
        var state = query["state"].ToString();
        var elements = organizations.RolesOf(member!.Sub)
            .Where(r => role.Length == 0 || r.Role == role)
            .Where(r => state.Length == 0 || r.State == state)
            .Skip(start)
            .Take(count)
            .Select(r => new AclElement(
                member.PersonUrn, r.Role, r.State, r.Organization,
                new AuditStamp(member.PersonUrn, r.Created.ToUnixTimeMilliseconds()),
                new AuditStamp(member.PersonUrn, r.LastModified.ToUnixTimeMilliseconds())))
            .ToList();
        return Results.Json(new AclPage(new Paging(start, count, []), elements), SandboxJson.Options);
    }

    private static bool TryPaging(IQueryCollection query, out int start, out int count)
    {
        start = 0;
        count = DefaultCount;
        return (query["start"].ToString() is not { Length: > 0 } s || (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out start) && start >= 0))
               && (query["count"].ToString() is not { Length: > 0 } c || (int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count >= 1));
    }
}

/// <summary>A finder's answer (§9.3's shape).</summary>
internal sealed record AclPage(
    [property: JsonPropertyName("paging")] Paging Paging,
    [property: JsonPropertyName("elements")] IReadOnlyList<AclElement> Elements);

internal sealed record Paging(
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("links")] IReadOnlyList<object> Links);

internal sealed record AclElement(
    [property: JsonPropertyName("roleAssignee")] string RoleAssignee,
    [property: JsonPropertyName("role")] string Role,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("organization")] string Organization,
    [property: JsonPropertyName("created")] AuditStamp Created,
    [property: JsonPropertyName("lastModified")] AuditStamp LastModified);

internal sealed record AuditStamp(
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("time")] long Time);
