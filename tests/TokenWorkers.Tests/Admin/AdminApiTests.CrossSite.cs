using System.Net;
using TokenWorkers.Sandbox;

namespace TokenWorkers.Tests.Admin;

/// <summary>
/// Cross-site writes: a browser attaches an operator's cached Basic login to a form another site posts. Such a form once
/// disconnected a connection (grant revoked at LinkedIn, tokens wiped); now Basic opens pages only, and any write a
/// browser marks as cross-site is refused whatever it carries.
/// </summary>
public sealed partial class AdminApiTests
{
    [Fact]
    public async Task A_form_posted_from_another_site_with_the_cached_basic_login_changes_nothing()
    {
        var (before, _) = await Connect("csrf-target");
        _environment.Sandbox.Control.ResetRequests();

        // What a browser sends for an auto-submitted form on https://evil.example, and what an older browser sends.
        using var modern = await SendAsync("POST", "admin/connections/csrf-target/disconnect", key: null, configure: r =>
        {
            r.Headers.Authorization = Basic("ops", ApiKey);
            r.Headers.Add("Origin", "https://evil.example");
            r.Headers.Add("Sec-Fetch-Site", "cross-site");
        }, content: new FormUrlEncodedContent([]));
        using var older = await SendAsync("POST", "admin/connections/csrf-target/disconnect", key: null,
            configure: r => r.Headers.Authorization = Basic("ops", ApiKey), content: new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.Forbidden, modern.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, older.StatusCode);
        Assert.DoesNotContain(_environment.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.Revoke);
        var after = (await _environment.Store.FindAsync("csrf-target", Cancel))!;
        Assert.Equal(before.Version, after.Version);
        Assert.NotNull(after.AccessToken);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task A_write_marked_cross_site_is_refused_even_with_the_key_and_a_same_origin_one_is_served()
    {
        await Connect("csrf-keyed");

        using var crossSite = await SendAsync("POST", "admin/connections/csrf-keyed/refresh", ApiKey, r => r.Headers.Add("Sec-Fetch-Site", "same-site"));
        using var otherOrigin = await SendAsync("POST", "admin/connections/csrf-keyed/refresh", ApiKey, r => r.Headers.Add("Origin", "https://evil.example"));
        using var sameOrigin = await SendAsync("POST", "admin/connections/csrf-keyed/refresh", ApiKey, r =>
        {
            r.Headers.Add("Sec-Fetch-Site", "same-origin");
            r.Headers.Add("Origin", _workerAddress.GetLeftPart(UriPartial.Authority));
        });
        using var page = await SendAsync("GET", "admin/status", key: null, configure: r =>
        {
            r.Headers.Authorization = Basic("ops", ApiKey);
            r.Headers.Add("Sec-Fetch-Site", "cross-site");
        });

        Assert.Equal(HttpStatusCode.Forbidden, crossSite.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, otherOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameOrigin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Single(_environment.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.AccessToken && r.GrantType == "refresh_token");
    }
}
