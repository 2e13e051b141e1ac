using System.Globalization;
using System.Net;
using System.Text.Json;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// The member's page roles through LinkedIn's organization access control (docs/linkedin-api.md §9.3): the
/// <c>roleAssignee</c> finder on <c>/rest/organizationAcls</c> (with the pinned <c>LinkedIn-Version</c>) when posting through
/// the Posts API, on <c>/v2/organizationAcls</c> otherwise. No projection: <c>/rest</c> refuses them and the ids are all we need.
/// </summary>
public sealed partial class LinkedInApiClient
{
    public const string OrganizationAclsPath = "v2/organizationAcls";
    public const string RestOrganizationAclsPath = "rest/organizationAcls";

    private const int AclPageSize = 100;

    // A member with more pages than this is not a case we know of; the cut keeps one check bounded.
    private const int MaxAclPages = 10;

    public async Task<ApiResult> GetOrganizationRolesAsync(SecretToken accessToken, CancellationToken cancellationToken)
    {
        var useRest = _publishing.Api == PostingApi.Posts;
        var roles = new List<OrganizationRole>();
        for (var page = 0; page < MaxAclPages; page++)
        {
            var query = string.Create(CultureInfo.InvariantCulture, $"?q=roleAssignee&state=APPROVED&start={page * AclPageSize}&count={AclPageSize}");
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_linkedIn.ApiBaseUrl, (useRest ? RestOrganizationAclsPath : OrganizationAclsPath) + query));
            if (useRest)
            {
                request.Headers.Add("LinkedIn-Version", _publishing.LinkedInVersion);
            }

            // Reading roles changes nothing at LinkedIn, so an unanswered call is simply retried.
            var (status, _, body) = await SendAsync(request, accessToken, "organizationAcls", cancellationToken)
                                    ?? throw new LinkedInTransportException("LinkedIn's organizationAcls endpoint did not answer");
            if (status != HttpStatusCode.OK)
            {
                return LinkedInErrorReader.ApiFailure(status, body, time.GetUtcNow());
            }

            if (ReadRoles(body) is not { } elements)
            {
                return new ApiRejected(FailureClass.Transient, (int)status, null, "LinkedIn answered organizationAcls with a body that has no elements list");
            }

            roles.AddRange(elements.Roles);
            if (elements.Count < AclPageSize)
            {
                break;
            }
        }

        return new OrganizationRolesFound(roles);
    }

    /// <summary>
    /// The elements' roles; elements without a role, state or organization are skipped (a 200 may leave fields out). The older
    /// <c>organizationalTarget</c> field name is read when <c>organization</c> is missing (docs/linkedin-api.md §9.3).
    /// </summary>
    private static (List<OrganizationRole> Roles, int Count)? ReadRoles(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("elements", out var elements) || elements.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var roles = new List<OrganizationRole>();
            foreach (var element in elements.EnumerateArray())
            {
                if (Text(element, "role") is { } role && Text(element, "state") is { } state &&
                    (Text(element, "organization") ?? Text(element, "organizationalTarget")) is { } organization)
                {
                    roles.Add(new OrganizationRole(organization, role, state));
                }
            }

            return (roles, elements.GetArrayLength());
        }
        catch (JsonException)
        {
            return null;
        }

        static string? Text(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String &&
            value.GetString() is { Length: > 0 } text
                ? text
                : null;
    }
}
