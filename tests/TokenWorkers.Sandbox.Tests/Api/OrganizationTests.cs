using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Api;

/// <summary>
/// Company Pages: pages and member roles made through <c>/_sandbox/organizations</c>, the <c>organizationAcls</c> roleAssignee
/// finder on <c>/v2</c> and <c>/rest</c>, and page posts on both post endpoints (scope first, then the role).
/// </summary>
public sealed class OrganizationTests
{
    private const string PagesApp = "pages-app";
    private const long Page = 88910959;
    private const string PageUrn = "urn:li:organization:88910959";
    private const string WithPages = "openid profile w_member_social w_organization_social";

    [Fact]
    public async Task Pages_and_roles_made_over_http_are_listed_by_both_organizationAcls_finders_in_LinkedIns_shape()
    {
        await using var h = await StartAsync();
        var token = await GrantOverHttpAsync(h, WithPages);
        await CreatePageOverHttpAsync(h, Page, "Acme");
        await CreatePageOverHttpAsync(h, 123, "Other");
        using (var admin = await h.Http.PostAsJsonAsync($"_sandbox/organizations/{Page}/roles", new { memberSub = The.MemberSub, role = "ADMINISTRATOR" }, Harness.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        }

        using (var requested = await h.Http.PostAsJsonAsync("_sandbox/organizations/123/roles", new { memberSub = The.MemberSub, role = "ANALYST", state = "REQUESTED" }, Harness.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, requested.StatusCode);
        }

        using var v2 = await AclsAsync(h, token, "?q=roleAssignee&state=APPROVED", version: null);
        using var rest = await AclsAsync(h, token, "?q=roleAssignee&state=APPROVED&start=0&count=5", version: "202509");
        using var all = await AclsAsync(h, token, "?q=roleAssignee", version: null);
        using var analysts = await AclsAsync(h, token, "?q=roleAssignee&role=ANALYST", version: null);

        var created = h.Control.Now.ToUnixTimeMilliseconds();
        var expected = $$$"""{"paging":{"start":0,"count":10,"links":[]},"elements":[{"roleAssignee":"urn:li:person:{{{The.MemberSub}}}","role":"ADMINISTRATOR","state":"APPROVED","organization":"{{{PageUrn}}}","created":{"actor":"urn:li:person:{{{The.MemberSub}}}","time":{{{created}}}},"lastModified":{"actor":"urn:li:person:{{{The.MemberSub}}}","time":{{{created}}}}}]}""";
        Assert.Equal(HttpStatusCode.OK, v2.StatusCode);
        Assert.Equal(expected, await v2.Content.ReadAsStringAsync(Harness.Ct));
        Assert.Equal(expected.Replace("\"count\":10", "\"count\":5", StringComparison.Ordinal), await rest.Content.ReadAsStringAsync(Harness.Ct));
        Assert.Equal(["ADMINISTRATOR", "ANALYST"], Roles(await Harness.JsonAsync(all)).Order(StringComparer.Ordinal));
        Assert.Equal(["ANALYST"], Roles(await Harness.JsonAsync(analysts)));
        Assert.Contains(h.Control.Requests, r => r.Endpoint == SandboxEndpoint.OrganizationAcls && r.Status == 200);
        Assert.Contains(h.Control.Requests, r => r.Endpoint == SandboxEndpoint.RestOrganizationAcls && r.Status == 200);
    }

    [Fact]
    public async Task Without_an_organization_scope_organizationAcls_is_403_ACCESS_DENIED_and_rest_needs_a_version_and_no_projection()
    {
        await using var h = await StartAsync();
        var memberOnly = h.Seed("openid profile w_member_social", PagesApp);
        var pages = h.Seed(WithPages, PagesApp);

        using var v2 = await AclsAsync(h, memberOnly.AccessToken, "?q=roleAssignee", version: null);
        using var rest = await AclsAsync(h, memberOnly.AccessToken, "?q=roleAssignee", version: "202509");
        using var noVersion = await AclsAsync(h, pages.AccessToken, "?q=roleAssignee", version: "");
        using var projection = await AclsAsync(h, pages.AccessToken, "?q=roleAssignee&projection=(elements*(organization~))", version: "202509");

        Assert.Equal("Not enough permissions to access: organizationAcls.FINDER-roleAssignee.NO_VERSION",
            (await Harness.ApiErrorAsync(v2, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100)).GetProperty("message").GetString());
        Assert.Equal("Not enough permissions to access: organizationAcls.FINDER-roleAssignee.202509",
            (await Harness.ApiErrorAsync(rest, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100)).GetProperty("message").GetString());
        await Harness.ApiErrorAsync(noVersion, HttpStatusCode.BadRequest, "VERSION_MISSING");
        Assert.Equal(HttpStatusCode.BadRequest, projection.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_administrator_posts_as_the_page_and_the_record_names_the_page(bool rest)
    {
        await using var h = await StartAsync();
        var seeded = h.Seed(WithPages, PagesApp);
        h.Control.CreateOrganization(Page, "Acme");
        h.Control.AssignOrganizationRole(Page, The.MemberSub, "ADMINISTRATOR");

        using var response = rest ? await h.PostAsync(seeded.AccessToken, "From the page", PageUrn) : await h.UgcPostAsync(seeded.AccessToken, "From the page", PageUrn);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var post = Assert.Single(h.Control.Posts);
        Assert.Equal((PageUrn, "From the page"), (post.Author, post.Text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_w_organization_social_a_page_post_is_refused_with_LinkedIns_answer(bool rest)
    {
        await using var h = await StartAsync();
        var seeded = h.Seed("openid profile w_member_social", PagesApp);
        h.Control.CreateOrganization(Page, "Acme");
        h.Control.AssignOrganizationRole(Page, The.MemberSub, "ADMINISTRATOR");

        using var response = rest ? await h.PostAsync(seeded.AccessToken, "From the page", PageUrn) : await h.UgcPostAsync(seeded.AccessToken, "From the page", PageUrn);

        if (rest)
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("""{"message":"Organization Or Events permissions must be used when using organization as author","status":400}""",
                await response.Content.ReadAsStringAsync(Harness.Ct));
        }
        else
        {
            await Harness.ApiErrorAsync(response, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100);
        }

        Assert.Empty(h.Control.Posts);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("ANALYST", "APPROVED")]
    [InlineData("ADMINISTRATOR", "REQUESTED")]
    [InlineData("ADMINISTRATOR", "REVOKED")]
    [InlineData("RECRUITING_POSTER", "APPROVED")]
    public async Task A_member_without_an_approved_posting_role_is_403_ACCESS_DENIED_on_both_endpoints(string? role, string? state)
    {
        await using var h = await StartAsync();
        var seeded = h.Seed(WithPages, PagesApp);
        h.Control.CreateOrganization(Page, "Acme");
        if (role is not null)
        {
            h.Control.AssignOrganizationRole(Page, The.MemberSub, role, state!);
        }

        using var ugc = await h.UgcPostAsync(seeded.AccessToken, "From the page", PageUrn);
        using var posts = await h.PostAsync(seeded.AccessToken, "From the page", PageUrn);

        Assert.Equal("Not enough permissions to access: ugcPosts.CREATE.NO_VERSION",
            (await Harness.ApiErrorAsync(ugc, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100)).GetProperty("message").GetString());
        Assert.Equal("Not enough permissions to access: partnerApiPostsExternal.CREATE.202602",
            (await Harness.ApiErrorAsync(posts, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100)).GetProperty("message").GetString());
        Assert.Empty(h.Control.Posts);
    }

    [Theory]
    [InlineData("DIRECT_SPONSORED_CONTENT_POSTER")]
    [InlineData("CONTENT_ADMINISTRATOR")]
    public async Task The_other_posting_roles_may_post_for_the_page(string role)
    {
        await using var h = await StartAsync();
        var seeded = h.Seed(WithPages, PagesApp);
        h.Control.CreateOrganization(Page, "Acme");
        h.Control.AssignOrganizationRole(Page, The.MemberSub, role);

        using var response = await h.PostAsync(seeded.AccessToken, "From the page", PageUrn);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_page_post_is_deleted_by_a_member_who_may_post_for_the_page_and_refused_to_one_who_no_longer_may(bool rest)
    {
        await using var h = await StartAsync();
        var seeded = h.Seed(WithPages, PagesApp);
        h.Control.CreateOrganization(Page, "Acme");
        h.Control.AssignOrganizationRole(Page, The.MemberSub, "ADMINISTRATOR");
        using var first = await h.PostAsync(seeded.AccessToken, "Deleted later", PageUrn);
        using var second = await h.PostAsync(seeded.AccessToken, "Kept", PageUrn);
        var deletable = Assert.Single(first.Headers.GetValues("x-restli-id"));
        var kept = Assert.Single(second.Headers.GetValues("x-restli-id"));

        using var deleted = await h.DeletePostAsync(seeded.AccessToken, deletable, rest);
        h.Control.AssignOrganizationRole(Page, The.MemberSub, "ADMINISTRATOR", "REVOKED");
        using var refused = await h.DeletePostAsync(seeded.AccessToken, kept, rest);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await Harness.ApiErrorAsync(refused, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100);
        Assert.Equal([true, false], h.Control.Posts.Select(p => p.DeletedAt is not null));
    }

    [Fact]
    public async Task The_control_api_refuses_unknown_pages_members_roles_and_states()
    {
        await using var h = await StartAsync();
        await CreatePageOverHttpAsync(h, Page, "Acme");

        using var unknownPage = await h.Http.PostAsJsonAsync("_sandbox/organizations/5/roles", new { memberSub = The.MemberSub }, Harness.Ct);
        using var unknownMember = await h.Http.PostAsJsonAsync($"_sandbox/organizations/{Page}/roles", new { memberSub = "nobody" }, Harness.Ct);
        using var unknownRole = await h.Http.PostAsJsonAsync($"_sandbox/organizations/{Page}/roles", new { memberSub = The.MemberSub, role = "OWNER" }, Harness.Ct);
        using var unknownState = await h.Http.PostAsJsonAsync($"_sandbox/organizations/{Page}/roles", new { memberSub = The.MemberSub, state = "PENDING" }, Harness.Ct);
        using var badId = await h.Http.GetAsync("_sandbox/organizations/abc/roles", Harness.Ct);

        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest],
            [unknownPage.StatusCode, unknownMember.StatusCode, unknownRole.StatusCode, unknownState.StatusCode, badId.StatusCode]);
        Assert.Empty(h.Control.OrganizationRoles(Page));
    }

    private static async Task<Harness> StartAsync()
    {
        var h = await Harness.StartAsync();
        h.Control.CreateApp(PagesApp, "pages-secret", allowedScopes: ["openid", "profile", "email", "w_member_social", "w_organization_social"]);
        return h;
    }

    /// <summary>A grant through <c>POST /_sandbox/grants</c> with <paramref name="scope"/> (space-separated, as the control API takes it).</summary>
    private static async Task<string> GrantOverHttpAsync(Harness h, string scope)
    {
        using var grant = await h.Http.PostAsJsonAsync("_sandbox/grants", new { clientId = PagesApp, memberSub = The.MemberSub, scope }, Harness.Ct);
        Assert.Equal(HttpStatusCode.Created, grant.StatusCode);
        var body = await Harness.JsonAsync(grant);
        Assert.Contains("w_organization_social", body.GetProperty("scope").GetString()!, StringComparison.Ordinal);
        return body.GetProperty("access_token").GetString()!;
    }

    private static async Task CreatePageOverHttpAsync(Harness h, long id, string name)
    {
        using var page = await h.Http.PostAsJsonAsync("_sandbox/organizations", new { id, name }, Harness.Ct);
        Assert.Equal(HttpStatusCode.Created, page.StatusCode);
        Assert.Equal($"urn:li:organization:{id}", (await Harness.JsonAsync(page)).GetProperty("urn").GetString());
    }

    private static async Task<HttpResponseMessage> AclsAsync(Harness h, string token, string query, string? version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, (version is null ? "v2/organizationAcls" : "rest/organizationAcls") + query);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        if (version is { Length: > 0 })
        {
            request.Headers.Add("LinkedIn-Version", version);
        }

        return await h.Http.SendAsync(request, Harness.Ct);
    }

    private static string[] Roles(JsonElement page) => [.. page.GetProperty("elements").EnumerateArray().Select(e => e.GetProperty("role").GetString()!)];
}
