using System.Net;
using System.Net.Http.Headers;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Api;

public sealed class ApiAuthenticationTests
{
    [Fact]
    public async Task An_unknown_token_is_65600_on_every_api_endpoint()
    {
        await using var h = await Harness.StartAsync();

        using var userinfo = await h.UserInfoAsync("AQVgarbage");
        using var ugc = await h.UgcPostAsync("AQVgarbage", "hello");
        using var posts = await h.PostAsync("AQVgarbage", "hello");

        foreach (var response in new[] { userinfo, ugc, posts })
        {
            var body = await Harness.ApiErrorAsync(response, HttpStatusCode.Unauthorized, "INVALID_ACCESS_TOKEN", 65600);
            Assert.Equal("Invalid access token", body.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task A_missing_bearer_token_is_401()
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.Http.GetAsync("v2/userinfo", Harness.Ct);

        await Harness.ApiErrorAsync(response, HttpStatusCode.Unauthorized, "EMPTY_ACCESS_TOKEN");
    }

    [Fact]
    public async Task A_token_sent_with_another_scheme_is_invalid()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        using var request = new HttpRequestMessage(HttpMethod.Get, "v2/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", seeded.AccessToken);

        using var response = await h.Http.SendAsync(request, Harness.Ct);

        await Harness.ApiErrorAsync(response, HttpStatusCode.Unauthorized, "INVALID_ACCESS_TOKEN", 65600);
    }

    [Fact]
    public async Task A_refresh_token_is_not_an_access_token()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.UserInfoAsync(seeded.RefreshToken!);

        await Harness.ApiErrorAsync(response, HttpStatusCode.Unauthorized, "INVALID_ACCESS_TOKEN", 65600);
    }
}
