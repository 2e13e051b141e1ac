using System.Net;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Oauth;

public sealed class AuthorizationTests
{
    [Fact]
    public async Task Consent_redirects_to_the_registered_uri_with_a_code_and_the_state()
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.AuthorizeAsync(Harness.AuthorizeQuery(state: "csrf-123"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.StartsWith(The.RedirectUri + "?", location.ToString(), StringComparison.Ordinal);
        var query = Harness.Query(location);
        Assert.StartsWith("AQ", query["code"], StringComparison.Ordinal);
        Assert.Equal("csrf-123", query["state"]);
        Assert.False(query.ContainsKey("error"));
    }

    [Fact]
    public async Task An_unknown_client_id_gets_a_401_page_and_no_redirect()
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.AuthorizeAsync(Harness.AuthorizeQuery(clientId: "nobody"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("client_id", await response.Content.ReadAsStringAsync(Harness.Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5070/connect/linkedin/callback/")]
    [InlineData("http://127.0.0.1:5071/connect/linkedin/callback")]
    [InlineData("https://127.0.0.1:5070/connect/linkedin/callback")]
    public async Task A_redirect_uri_that_is_not_exactly_registered_gets_a_401_page_and_no_redirect(string redirectUri)
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.AuthorizeAsync(Harness.AuthorizeQuery(redirectUri: redirectUri));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("redirect_uri", await response.Content.ReadAsStringAsync(Harness.Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_scope_returns_to_the_app_with_invalid_scope_error()
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.AuthorizeAsync(Harness.AuthorizeQuery(scope: "openid offline_access", state: "s1"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var query = Harness.Query(response.Headers.Location!);
        Assert.Equal("invalid_scope_error", query["error"]);
        Assert.Equal("Unknown scope \"offline_access\"", query["error_description"]);
        Assert.Equal("s1", query["state"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task A_known_scope_the_app_may_not_use_returns_with_unauthorized_scope_error()
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.AuthorizeAsync(Harness.AuthorizeQuery(scope: "openid r_emailaddress"));

        var query = Harness.Query(response.Headers.Location!);
        Assert.Equal("unauthorized_scope_error", query["error"]);
        Assert.Equal("Scope \"r_emailaddress\" is not authorized for your application", query["error_description"]);
    }

    [Fact]
    public async Task A_response_type_other_than_code_is_refused()
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.AuthorizeAsync(Harness.AuthorizeQuery().Replace("response_type=code", "response_type=token", StringComparison.Ordinal));

        Assert.Equal("unsupported_response_type", Harness.Query(response.Headers.Location!)["error"]);
    }

    [Fact]
    public async Task A_member_who_denies_sends_the_browser_back_with_user_cancelled_authorize()
    {
        await using var h = await Harness.StartAsync();
        h.Control.SetAuthorization(AuthorizationDecision.Deny);

        using var response = await h.AuthorizeAsync(Harness.AuthorizeQuery(state: "deny-state"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var query = Harness.Query(response.Headers.Location!);
        Assert.Equal("user_cancelled_authorize", query["error"]);
        Assert.False(string.IsNullOrEmpty(query["error_description"]));
        Assert.Equal("deny-state", query["state"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task The_configured_member_consents_and_sandbox_member_picks_another_for_one_request()
    {
        await using var h = await Harness.StartAsync();
        h.Control.SetAuthorization(AuthorizationDecision.Consent, The.OtherMemberSub);

        var code = await h.AuthorizeForCodeAsync("openid profile");
        using var exchanged = await h.ExchangeAsync(code);
        var token = await Harness.TokenAsync(exchanged);
        using var userinfo = await h.UserInfoAsync(token.GetProperty("access_token").GetString()!);
        Assert.Equal(The.OtherMemberSub, (await Harness.JsonAsync(userinfo)).GetProperty("sub").GetString());

        using var picked = await h.AuthorizeAsync(Harness.AuthorizeQuery() + "&sandbox_member=" + The.MemberSub);
        var pickedCode = Harness.Query(picked.Headers.Location!)["code"];
        using var pickedExchange = await h.ExchangeAsync(pickedCode);
        var grantId = h.Control.Requests[^1].GrantId!;
        Assert.Equal(The.MemberSub, h.Control.FindGrant(grantId)!.MemberSub);
    }
}
