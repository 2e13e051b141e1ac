using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace TokenWorkers.Sandbox.Tests.Support;

/// <summary>A sandbox on a real socket, an HttpClient that does not follow redirects, and a fake clock.</summary>
internal sealed class Harness : IAsyncDisposable
{
    private Harness(LinkedInSandbox sandbox, FakeTimeProvider time)
    {
        Sandbox = sandbox;
        Time = time;
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = sandbox.BaseAddress };
    }

    public LinkedInSandbox Sandbox { get; }

    public SandboxControl Control => Sandbox.Control;

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Starts a sandbox with <see cref="The.Settings"/>; with <paramref name="ownClock"/> the sandbox gets no TimeProvider.</summary>
    public static async Task<Harness> StartAsync(Action<SandboxSettings>? configure = null, bool ownClock = false)
    {
        var settings = The.Settings();
        configure?.Invoke(settings);
        var time = new FakeTimeProvider(The.Start);
        var sandbox = await LinkedInSandbox.StartAsync(settings, ownClock ? null : time, Ct);
        return new Harness(sandbox, time);
    }

    public void AdvanceDays(double days) => Time.Advance(TimeSpan.FromDays(days));

    public SeededGrant Seed(string scopes = The.AllScopes, string clientId = The.ClientId, string memberSub = The.MemberSub) =>
        Control.SeedGrant(clientId, memberSub, scopes);

    public Task<HttpResponseMessage> PostFormAsync(string path, params (string Name, string Value)[] fields) =>
        Http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))), Ct);

    public Task<HttpResponseMessage> RefreshAsync(string refreshToken, string clientId = The.ClientId, string clientSecret = The.ClientSecret) =>
        PostFormAsync("oauth/v2/accessToken",
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", clientId), ("client_secret", clientSecret));

    public Task<HttpResponseMessage> ExchangeAsync(string code, string redirectUri = The.RedirectUri, string clientId = The.ClientId, string clientSecret = The.ClientSecret) =>
        PostFormAsync("oauth/v2/accessToken",
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectUri), ("client_id", clientId), ("client_secret", clientSecret));

    public Task<HttpResponseMessage> IntrospectAsync(string token, string clientId = The.ClientId, string clientSecret = The.ClientSecret) =>
        PostFormAsync("oauth/v2/introspectToken", ("client_id", clientId), ("client_secret", clientSecret), ("token", token));

    public Task<HttpResponseMessage> AuthorizeAsync(string query) =>
        Http.GetAsync("oauth/v2/authorization?" + query, Ct);

    public static string AuthorizeQuery(string scope = The.AllScopes, string state = "st4te", string clientId = The.ClientId, string redirectUri = The.RedirectUri) =>
        $"response_type=code&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}&state={state}&scope={Uri.EscapeDataString(scope)}";

    /// <summary>Runs the browser step and returns the code from the redirect.</summary>
    public async Task<string> AuthorizeForCodeAsync(string scope = The.AllScopes)
    {
        using var response = await AuthorizeAsync(AuthorizeQuery(scope));
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        return Query(response.Headers.Location!)["code"];
    }

    public Task<HttpResponseMessage> UserInfoAsync(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v2/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return Http.SendAsync(request, Ct);
    }

    public Task<HttpResponseMessage> UgcPostAsync(string accessToken, string text, string? author = null, bool restli = true) =>
        UgcPostJsonAsync(accessToken, UgcBody(text, author ?? The.PersonUrn), restli);

    public async Task<HttpResponseMessage> UgcPostJsonAsync(string accessToken, string json, bool restli = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/ugcPosts") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (restli)
        {
            request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        }

        return await Http.SendAsync(request, Ct);
    }

    public Task<HttpResponseMessage> PostAsync(string accessToken, string text, string? author = null, string? version = "202602") =>
        PostJsonAsync(accessToken, PostsBody(text, author ?? The.PersonUrn), version);

    public async Task<HttpResponseMessage> PostJsonAsync(string accessToken, string json, string? version = "202602")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "rest/posts") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        if (version is not null)
        {
            request.Headers.Add("LinkedIn-Version", version);
        }

        return await Http.SendAsync(request, Ct);
    }

    /// <summary>DELETE of a post at <c>/rest/posts</c> (<paramref name="rest"/>) or <c>/v2/ugcPosts</c>, the URN percent-encoded unless told not to.</summary>
    public async Task<HttpResponseMessage> DeletePostAsync(
        string accessToken, string urn, bool rest, bool encode = true, string? version = "202602", bool restli = true)
    {
        var key = encode ? Uri.EscapeDataString(urn) : urn;
        using var request = new HttpRequestMessage(HttpMethod.Delete, (rest ? "rest/posts/" : "v2/ugcPosts/") + key);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (restli)
        {
            request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        }

        if (rest && version is not null)
        {
            request.Headers.Add("LinkedIn-Version", version);
        }

        return await Http.SendAsync(request, Ct);
    }

    public static string UgcBody(string text, string author) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["author"] = author,
        ["lifecycleState"] = "PUBLISHED",
        ["specificContent"] = new Dictionary<string, object>
        {
            ["com.linkedin.ugc.ShareContent"] = new Dictionary<string, object>
            {
                ["shareCommentary"] = new { text },
                ["shareMediaCategory"] = "NONE",
            },
        },
        ["visibility"] = new Dictionary<string, object> { ["com.linkedin.ugc.MemberNetworkVisibility"] = "PUBLIC" },
    });

    public static string PostsBody(string text, string author) => JsonSerializer.Serialize(new
    {
        author,
        commentary = text,
        visibility = "PUBLIC",
        distribution = new { feedDistribution = "MAIN_FEED", targetEntities = Array.Empty<string>(), thirdPartyDistributionChannels = Array.Empty<string>() },
        lifecycleState = "PUBLISHED",
        isReshareDisabledByAuthor = false,
    });

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts the status and LinkedIn's OAuth error shape, and returns the body.</summary>
    public static async Task<JsonElement> OauthErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error, string? description = null)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal(error, body.GetProperty("error").GetString());
        var actual = body.GetProperty("error_description").GetString();
        Assert.False(string.IsNullOrEmpty(actual));
        if (description is not null)
        {
            Assert.Equal(description, actual);
        }

        return body;
    }

    /// <summary>Asserts the status and LinkedIn's API error envelope, and returns the body.</summary>
    public static async Task<JsonElement> ApiErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, int? serviceErrorCode = null)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await JsonAsync(response);
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Equal(code, body.GetProperty("code").GetString());
        if (serviceErrorCode is not null)
        {
            Assert.Equal(serviceErrorCode, body.GetProperty("serviceErrorCode").GetInt32());
        }

        return body;
    }

    public static async Task<JsonElement> TokenAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await JsonAsync(response);
    }

    public static Dictionary<string, string> Query(Uri location) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(location.Query).ToDictionary(p => p.Key, p => p.Value.ToString());

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Sandbox.DisposeAsync();
    }
}
