using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Oauth;

/// <summary>Bad requests to the token endpoint always get LinkedIn's error shape, never a 500.</summary>
public sealed class TokenEndpointInputTests
{
    public static TheoryData<string, string> MissingParameters => new()
    {
        { "authorization_code", "code" },
        { "authorization_code", "redirect_uri" },
        { "authorization_code", "client_id" },
        { "authorization_code", "client_secret" },
        { "refresh_token", "refresh_token" },
        { "refresh_token", "client_id" },
        { "refresh_token", "client_secret" },
        { "refresh_token", "grant_type" },
    };

    [Theory]
    [MemberData(nameof(MissingParameters))]
    public async Task A_missing_parameter_is_named_in_the_error(string grantType, string missing)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        var fields = new List<(string, string)>
        {
            ("grant_type", grantType),
            ("code", "AQTsomething"),
            ("redirect_uri", The.RedirectUri),
            ("refresh_token", seeded.RefreshToken!),
            ("client_id", The.ClientId),
            ("client_secret", The.ClientSecret),
        };
        fields.RemoveAll(f => f.Item1 == missing);

        using var response = await h.PostFormAsync("oauth/v2/accessToken", [.. fields]);

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", $"A required parameter \"{missing}\" is missing");
    }

    [Fact]
    public async Task An_empty_body_is_missing_grant_type()
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.PostFormAsync("oauth/v2/accessToken");

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "A required parameter \"grant_type\" is missing");
    }

    [Fact]
    public async Task Client_credentials_in_a_basic_header_are_not_accepted()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth/v2/accessToken")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "refresh_token"), new("refresh_token", seeded.RefreshToken!)]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{The.ClientId}:{The.ClientSecret}")));

        using var response = await h.Http.SendAsync(request, Harness.Ct);

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "A required parameter \"client_id\" is missing");
    }

    [Theory]
    [InlineData(The.ClientId, "wrong-secret")]
    [InlineData("no-such-app", The.ClientSecret)]
    public async Task Bad_client_credentials_are_401_invalid_client(string clientId, string clientSecret)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.RefreshAsync(seeded.RefreshToken!, clientId, clientSecret);

        await Harness.OauthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client", "Client authentication failed");
    }

    [Theory]
    [InlineData("client_credentials")]
    [InlineData("password")]
    [InlineData("REFRESH_TOKEN")]
    public async Task An_unsupported_grant_type_gets_the_error_shape(string grantType)
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.PostFormAsync("oauth/v2/accessToken",
            ("grant_type", grantType), ("client_id", The.ClientId), ("client_secret", The.ClientSecret));

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_grant_type");
    }

    [Theory]
    [InlineData("application/json", "{\"grant_type\":\"refresh_token\"}")]
    [InlineData("text/plain", "grant_type=refresh_token")]
    [InlineData("multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\nrefresh_token\r\n--x--\r\n")]
    public async Task A_body_that_is_not_urlencoded_is_refused_with_the_error_shape(string contentType, string body)
    {
        await using var h = await Harness.StartAsync();
        using var content = new StringContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await h.Http.PostAsync("oauth/v2/accessToken", content, Harness.Ct);

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task A_malformed_form_is_refused_with_the_error_shape()
    {
        await using var h = await Harness.StartAsync();
        using var content = new StringContent(new string('k', 5000) + "=v&grant_type=refresh_token", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await h.Http.PostAsync("oauth/v2/accessToken", content, Harness.Ct);

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", "The request body is not a valid form");
    }

    [Fact]
    public async Task Percent_garbage_in_a_form_is_not_a_500()
    {
        await using var h = await Harness.StartAsync();
        using var content = new StringContent("grant_type=%%%ZZ&refresh_token=%FF%FE&client_id=%&client_secret=%C3%28", Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await h.Http.PostAsync("oauth/v2/accessToken", content, Harness.Ct);

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_grant_type");
    }

    [Fact]
    public async Task A_repeated_parameter_is_refused()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.PostFormAsync("oauth/v2/accessToken",
            ("grant_type", "refresh_token"), ("refresh_token", seeded.RefreshToken!), ("refresh_token", "AQWother"),
            ("client_id", The.ClientId), ("client_secret", The.ClientSecret));

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request");
    }

    [Theory]
    [InlineData("oauth/v2/accessToken")]
    [InlineData("oauth/v2/introspectToken")]
    [InlineData("oauth/v2/revoke")]
    public async Task A_get_on_a_post_only_oauth_endpoint_gets_the_error_shape(string path)
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.Http.GetAsync(path, Harness.Ct);

        await Harness.OauthErrorAsync(response, HttpStatusCode.MethodNotAllowed, "invalid_request");
    }
}
