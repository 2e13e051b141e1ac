using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Api;

/// <summary>
/// The lookups a proxy user makes besides userinfo: <c>/v2/me</c> (lite profile, only with a legacy profile scope) and the
/// organization lookup by id on <c>/v2</c> and <c>/rest</c> (docs/linkedin-api.md §6.2, §9.4); API answers carry x-li-request-id.
/// </summary>
public sealed class ProfileLookupTests
{
    private const string ProfileApp = "profile-app";

    [Fact]
    public async Task V2_me_answers_the_lite_profile_with_r_liteprofile_and_403_me_GET_NO_VERSION_without()
    {
        await using var h = await StartAsync();
        var lite = h.Seed("openid profile r_liteprofile", ProfileApp);
        var oidcOnly = h.Seed("openid profile", ProfileApp);

        using var me = await GetAsync(h, "v2/me", lite.AccessToken);
        using var refused = await GetAsync(h, "v2/me", oidcOnly.AccessToken);
        using var userinfo = await h.UserInfoAsync(lite.AccessToken);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var profile = await Harness.JsonAsync(me);
        var info = await Harness.JsonAsync(userinfo);
        Assert.Equal(The.MemberSub, profile.GetProperty("id").GetString());
        Assert.Equal(info.GetProperty("given_name").GetString(), profile.GetProperty("localizedFirstName").GetString());
        Assert.Equal(info.GetProperty("family_name").GetString(), profile.GetProperty("localizedLastName").GetString());
        Assert.Equal(info.GetProperty("given_name").GetString(), profile.GetProperty("firstName").GetProperty("localized").GetProperty("en_US").GetString());
        Assert.Equal("US", profile.GetProperty("firstName").GetProperty("preferredLocale").GetProperty("country").GetString());
        Assert.Single(me.Headers.GetValues("x-li-request-id"), v => v.Length > 0);
        var error = await Harness.ApiErrorAsync(refused, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100);
        Assert.Equal("Not enough permissions to access: me.GET.NO_VERSION", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_organization_is_looked_up_by_id_on_v2_and_on_rest_with_a_served_version_and_404_when_unknown()
    {
        await using var h = await StartAsync();
        var token = h.Seed("openid profile w_member_social", ProfileApp).AccessToken;
        using (var page = await h.Http.PostAsJsonAsync("_sandbox/organizations", new { id = 2414183, name = "Acme Corp" }, Harness.Ct))
        {
            Assert.Equal(HttpStatusCode.Created, page.StatusCode);
        }

        using var v2 = await GetAsync(h, "v2/organizations/2414183", token);
        using var rest = await GetAsync(h, "rest/organizations/2414183", token, version: "202602");
        using var noVersion = await GetAsync(h, "rest/organizations/2414183", token);
        using var unknown = await GetAsync(h, "v2/organizations/77", token);
        using var noToken = await GetAsync(h, "v2/organizations/2414183", "not-a-token");

        foreach (var found in new[] { v2, rest })
        {
            Assert.Equal(HttpStatusCode.OK, found.StatusCode);
            var body = await Harness.JsonAsync(found);
            Assert.Equal(2414183, body.GetProperty("id").GetInt64());
            Assert.Equal("Acme Corp", body.GetProperty("localizedName").GetString());
            Assert.Equal("acme-corp", body.GetProperty("vanityName").GetString());
            Assert.Equal("Acme Corp", body.GetProperty("name").GetProperty("localized").GetProperty("en_US").GetString());
        }

        await Harness.ApiErrorAsync(noVersion, HttpStatusCode.BadRequest, "VERSION_MISSING");
        await Harness.ApiErrorAsync(unknown, HttpStatusCode.NotFound, "NOT_FOUND");
        await Harness.ApiErrorAsync(noToken, HttpStatusCode.Unauthorized, "INVALID_ACCESS_TOKEN", 65600);
        Assert.Equal(5, h.Control.Requests.Count(r => r.Endpoint is SandboxEndpoint.Organization or SandboxEndpoint.RestOrganization));
    }

    private static async Task<Harness> StartAsync()
    {
        var h = await Harness.StartAsync();
        h.Control.CreateApp(ProfileApp, "profile-secret", allowedScopes: ["openid", "profile", "w_member_social", "r_liteprofile"]);
        return h;
    }

    private static async Task<HttpResponseMessage> GetAsync(Harness h, string path, string token, string? version = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (version is not null)
        {
            request.Headers.Add("LinkedIn-Version", version);
        }

        return await h.Http.SendAsync(request, Harness.Ct);
    }
}
