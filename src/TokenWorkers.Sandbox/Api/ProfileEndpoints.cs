using System.Globalization;
using System.Text.Json.Serialization;
using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Hosting;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// The lookups a caller of the worker's proxy makes most besides userinfo (docs/linkedin-api.md §6.2, §9.4):
/// <c>GET /v2/me</c>, the lite profile, served only to a grant with <c>r_liteprofile</c> or <c>r_basicprofile</c> (an
/// OpenID-only grant gets 403 <c>me.GET.NO_VERSION</c>); and the organization lookup by id, <c>GET /rest/organizations/{id}</c>
/// (with a served LinkedIn-Version) and <c>GET /v2/organizations/{id}</c>, answering <c>id</c>, <c>localizedName</c>,
/// <c>vanityName</c> and <c>name</c>, or 404 for an id no page has.
/// </summary>
internal sealed class ProfileEndpoints(ApiAuthenticator authenticator, OrganizationDirectory organizations, ApiVersions versions)
{
    private static readonly string[] ProfileScopes = ["r_liteprofile", "r_basicprofile"];

    public ValueTask<IResult> HandleMeAsync(HttpContext http, CallRecord call)
    {
        var (grant, member, error) = authenticator.Authenticate(http, call, posting: false);
        if (error is not null)
        {
            return ValueTask.FromResult(error);
        }

        if (!ProfileScopes.Any(grant!.Contains))
        {
            return ValueTask.FromResult(ApiErrors.AccessDenied(call, "me.GET.NO_VERSION"));
        }

        var locale = new UserInfoLocale(member!.Country, member.Language);
        var key = member.Language + "_" + member.Country;
        var body = new MeResponse(
            member.Sub,
            member.GivenName,
            member.FamilyName,
            new MultiLocaleString(new Dictionary<string, string> { [key] = member.GivenName }, locale),
            new MultiLocaleString(new Dictionary<string, string> { [key] = member.FamilyName }, locale));
        return ValueTask.FromResult(Results.Json(body, SandboxJson.Options));
    }

    public ValueTask<IResult> HandleV2OrganizationAsync(HttpContext http, CallRecord call) => ValueTask.FromResult(Organization(http, call, rest: false));

    public ValueTask<IResult> HandleRestOrganizationAsync(HttpContext http, CallRecord call) => ValueTask.FromResult(Organization(http, call, rest: true));

    private IResult Organization(HttpContext http, CallRecord call, bool rest)
    {
        var (_, _, error) = authenticator.Authenticate(http, call, posting: false);
        if (error is not null)
        {
            return error;
        }

        if (rest)
        {
            var version = http.Request.Headers["LinkedIn-Version"].ToString();
            if (version.Length == 0)
            {
                return ApiErrors.VersionMissing(call);
            }

            if (versions.Refused(version) is { } inactive)
            {
                return ApiErrors.VersionInactive(call, inactive);
            }
        }

        if (!long.TryParse(http.GetRouteValue("id") as string, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || organizations.Find(id) is not { } page)
        {
            return ApiErrors.NotFound(call, "Not Found");
        }

        var vanity = string.Concat(page.Name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-'));
        return Results.Json(
            new OrganizationResponse(page.Id, page.Name, vanity, new MultiLocaleString(new Dictionary<string, string> { ["en_US"] = page.Name }, new UserInfoLocale("US", "en"))),
            SandboxJson.Options);
    }
}

/// <summary>The lite profile's fields (§6.2).</summary>
internal sealed record MeResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("localizedFirstName")] string LocalizedFirstName,
    [property: JsonPropertyName("localizedLastName")] string LocalizedLastName,
    [property: JsonPropertyName("firstName")] MultiLocaleString FirstName,
    [property: JsonPropertyName("lastName")] MultiLocaleString LastName);

/// <summary>LinkedIn's MultiLocaleString: <c>{"localized":{"en_US":"…"},"preferredLocale":{"country":"US","language":"en"}}</c>.</summary>
internal sealed record MultiLocaleString(
    [property: JsonPropertyName("localized")] IReadOnlyDictionary<string, string> Localized,
    [property: JsonPropertyName("preferredLocale")] UserInfoLocale PreferredLocale);

/// <summary>The organization lookup's fields the sandbox serves (§9.4).</summary>
internal sealed record OrganizationResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("localizedName")] string LocalizedName,
    [property: JsonPropertyName("vanityName")] string VanityName,
    [property: JsonPropertyName("name")] MultiLocaleString Name);
