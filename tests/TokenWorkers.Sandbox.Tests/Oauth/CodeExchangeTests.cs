using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Oauth;

public sealed class CodeExchangeTests
{
    private const string CodeMismatch =
        "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists";

    [Fact]
    public async Task A_code_exchange_returns_LinkedIns_token_response()
    {
        await using var h = await Harness.StartAsync();
        var code = await h.AuthorizeForCodeAsync();

        using var response = await h.ExchangeAsync(code);

        var token = await Harness.TokenAsync(response);
        Assert.StartsWith("AQ", token.GetProperty("access_token").GetString(), StringComparison.Ordinal);
        Assert.Equal(The.SixtyDays, token.GetProperty("expires_in").GetInt64());
        Assert.StartsWith("AQ", token.GetProperty("refresh_token").GetString(), StringComparison.Ordinal);
        Assert.Equal(31_536_000, token.GetProperty("refresh_token_expires_in").GetInt64());
        Assert.Equal("openid,profile,email,w_member_social", token.GetProperty("scope").GetString());
        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
        Assert.True(token.TryGetProperty("id_token", out _));
        Assert.False(token.TryGetProperty("grant_id", out _));
    }

    [Fact]
    public async Task The_id_token_is_three_base64url_parts_with_LinkedIns_claims()
    {
        await using var h = await Harness.StartAsync();
        using var response = await h.ExchangeAsync(await h.AuthorizeForCodeAsync());
        var idToken = (await Harness.TokenAsync(response)).GetProperty("id_token").GetString()!;

        var parts = idToken.Split('.');

        Assert.Equal(3, parts.Length);
        Assert.All(parts, p => Assert.True(p.Length > 0 && Base64Url.IsValid(p)));
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
        Assert.Equal("https://www.linkedin.com/oauth", claims.GetProperty("iss").GetString());
        Assert.Equal(The.ClientId, claims.GetProperty("aud").GetString());
        Assert.Equal(The.MemberSub, claims.GetProperty("sub").GetString());
        Assert.Equal(The.Start.ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        Assert.Equal(The.Start.ToUnixTimeSeconds() + The.SixtyDays, claims.GetProperty("exp").GetInt64());
    }

    [Fact]
    public async Task Without_openid_there_is_no_id_token()
    {
        await using var h = await Harness.StartAsync();
        using var response = await h.ExchangeAsync(await h.AuthorizeForCodeAsync("profile w_member_social"));

        var token = await Harness.TokenAsync(response);

        Assert.False(token.TryGetProperty("id_token", out _));
        Assert.Equal("profile,w_member_social", token.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task An_app_without_programmatic_refresh_gets_no_refresh_fields()
    {
        await using var h = await Harness.StartAsync();
        using var authorize = await h.AuthorizeAsync(Harness.AuthorizeQuery(clientId: The.BasicClientId));
        var code = Harness.Query(authorize.Headers.Location!)["code"];

        using var response = await h.ExchangeAsync(code, clientId: The.BasicClientId, clientSecret: The.BasicClientSecret);

        var token = await Harness.TokenAsync(response);
        Assert.Equal(The.SixtyDays, token.GetProperty("expires_in").GetInt64());
        Assert.False(token.TryGetProperty("refresh_token", out _));
        Assert.False(token.TryGetProperty("refresh_token_expires_in", out _));
    }

    [Fact]
    public async Task A_code_works_only_once()
    {
        await using var h = await Harness.StartAsync();
        var code = await h.AuthorizeForCodeAsync();
        using var first = await h.ExchangeAsync(code);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var second = await h.ExchangeAsync(code);

        await Harness.OauthErrorAsync(second, HttpStatusCode.BadRequest, "invalid_request", CodeMismatch);
    }

    [Fact]
    public async Task Racing_exchanges_of_one_code_issue_exactly_one_token()
    {
        await using var h = await Harness.StartAsync();
        var code = await h.AuthorizeForCodeAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => h.ExchangeAsync(code)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(15, responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest));
        Assert.Single(h.Control.Grants);
    }

    [Fact]
    public async Task A_code_expires_after_30_minutes()
    {
        await using var h = await Harness.StartAsync();
        var fresh = await h.AuthorizeForCodeAsync();
        var stale = await h.AuthorizeForCodeAsync();
        h.Time.Advance(TimeSpan.FromMinutes(29));
        using var inTime = await h.ExchangeAsync(fresh);
        Assert.Equal(HttpStatusCode.OK, inTime.StatusCode);

        h.Time.Advance(TimeSpan.FromMinutes(1));
        using var late = await h.ExchangeAsync(stale);

        await Harness.OauthErrorAsync(late, HttpStatusCode.BadRequest, "invalid_request", CodeMismatch);
    }

    [Fact]
    public async Task The_code_lifetime_is_configurable()
    {
        await using var h = await Harness.StartAsync(s => s.AuthorizationCodeLifetime = TimeSpan.FromMinutes(10));
        var code = await h.AuthorizeForCodeAsync();
        h.Time.Advance(TimeSpan.FromMinutes(10));

        using var late = await h.ExchangeAsync(code);

        await Harness.OauthErrorAsync(late, HttpStatusCode.BadRequest, "invalid_request", CodeMismatch);
    }

    [Fact]
    public async Task A_code_exchanged_with_another_redirect_uri_is_refused()
    {
        await using var h = await Harness.StartAsync();
        var code = await h.AuthorizeForCodeAsync();

        using var response = await h.ExchangeAsync(code, redirectUri: "http://localhost:5070/connect/linkedin/callback");

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", CodeMismatch);
    }

    [Fact]
    public async Task A_code_exchanged_by_another_app_is_refused()
    {
        await using var h = await Harness.StartAsync();
        var code = await h.AuthorizeForCodeAsync("openid profile");

        using var response = await h.ExchangeAsync(code, clientId: The.OtherClientId, clientSecret: The.OtherClientSecret);

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", CodeMismatch);
    }

    [Fact]
    public async Task An_unknown_code_is_401_not_found()
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.ExchangeAsync("AQTnot-a-code");

        await Harness.OauthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_request",
            "Unable to retrieve access token: authorization code not found");
    }
}
