using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using TokenWorkers.Admin;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.RabbitMq;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Admin;

/// <summary>
/// The admin API over real HTTP on the worker's real host, with the sandbox as LinkedIn and another service on the
/// broker receiving the events. Every response body is kept and scanned for secrets at the end of each test.
/// </summary>
public sealed partial class AdminApiTests : IAsyncLifetime
{
    private const string ApiKey = "admin-key-SENTINEL-5c1d9e0f7a2b4c6d";
    private static readonly string StateKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 11)).ToArray());

    private readonly List<string> _bodies = [];
    private readonly List<string> _secrets = [ApiKey, ReaderKey, OperatorKey, RotatedKeyA, RotatedKeyB, StateKey, RabbitMqWorkerEnvironment.ClientSecret];
    private readonly string _keysFile = Path.Combine(Directory.CreateTempSubdirectory("tokenworkers-admin-keys-").FullName, "keys.json");
    private RabbitMqWorkerEnvironment _environment = null!;
    private Uri _workerAddress = null!;
    private HttpClient _http = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        _workerAddress = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        await _environment.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Urls"] = _workerAddress.ToString().TrimEnd('/'),
            ["Admin:Enabled"] = "true",
            ["Admin:ApiKey"] = ApiKey,
            ["Admin:Keys:0:Name"] = "reader",
            ["Admin:Keys:0:Key"] = ReaderKey,
            ["Admin:Keys:0:Scopes:0"] = "read",
            ["Admin:Keys:1:Name"] = "operator",
            ["Admin:Keys:1:Sha256"] = AdminKeySet.Hash(OperatorKey),
            ["Admin:Keys:1:Scopes:0"] = "read",
            ["Admin:Keys:1:Scopes:1"] = "operate",
            ["Admin:KeysFile"] = WriteKeysFile(("rotating-a", RotatedKeyA)),
            ["Connect:Enabled"] = "true",
            ["Connect:PublicBaseUrl"] = _workerAddress.ToString(),
            ["Connect:StateKey"] = StateKey,
            // Nothing refreshes behind the tests' backs: every exchange here is one the test asked for.
            ["Refresh:ScanInterval"] = "01:00:00",
            // A post an operator sends again goes out at the next resumption scan.
            ["Publishing:ScanInterval"] = "00:00:01",
        });
        _http = new HttpClient { BaseAddress = _workerAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _environment.DisposeAsync();
        Directory.Delete(Path.GetDirectoryName(_keysFile)!, recursive: true);
    }

    public static TheoryData<string, string> EveryRoute => new()
    {
        { "GET", "admin" },
        { "GET", "admin/status" },
        { "GET", "admin/status/connections/guarded" },
        { "GET", "admin/fleet" },
        { "GET", "admin/connections" },
        { "GET", "admin/connections/guarded" },
        { "GET", "admin/connections/guarded/timeline" },
        { "POST", "admin/connections/guarded/refresh" },
        { "POST", "admin/connections/guarded/disconnect" },
        { "POST", "admin/connections/guarded/posts" },
        { "POST", "admin/connections/import" },
        { "GET", "admin/posts/guarded" },
        { "POST", "admin/posts/guarded/resolve" },
        { "POST", "admin/posts/guarded/cancel" },
        { "DELETE", "admin/posts/guarded" },
        { "GET", "admin/audit" },
        { "POST", "admin/connect-sessions" },
        { "POST", "admin/connections/guarded/release-member" },
        { "GET", "admin/encryption" },
        { "POST", "admin/encryption/reencrypt" },
        { "GET", "admin/connections/guarded/access-token" },
        { "GET", "proxy/linkedin/guarded/v2/userinfo" },
        { "POST", "proxy/linkedin/guarded/v2/ugcPosts" },
    };

    [Theory]
    [MemberData(nameof(EveryRoute))]
    public async Task Every_admin_route_refuses_a_missing_or_wrong_key_and_does_nothing(string method, string path)
    {
        var (before, _) = await Connect("guarded");
        _environment.Sandbox.Control.ResetRequests();

        using var none = await SendAsync(method, path, key: null);
        using var wrong = await SendAsync(method, path, key: ApiKey[..^1] + "X");
        using var wrongBearer = await SendAsync(method, path, key: null, configure: r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "nope"));
        using var wrongBasic = await SendAsync(method, path, key: null, configure: r => r.Headers.Authorization = Basic("admin", ApiKey + "!"));

        foreach (var response in new[] { none, wrong, wrongBearer, wrongBasic })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        }

        Assert.Empty(_environment.Sandbox.Control.Requests);
        Assert.Equal(before.Version, (await _environment.Store.FindAsync("guarded", Cancel))!.Version);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task The_key_is_accepted_as_x_api_key_as_a_bearer_token_or_as_the_basic_password()
    {
        using var header = await SendAsync("GET", "admin/connections", key: ApiKey);
        using var bearer = await SendAsync("GET", "admin/connections", key: null, configure: r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey));
        using var basic = await SendAsync("GET", "admin/connections", key: null, configure: r => r.Headers.Authorization = Basic("ops", ApiKey));

        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, basic.StatusCode);
        Assert.Equal("no-store", header.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task The_list_shows_status_expiries_and_failure_class_and_pages_by_id()
    {
        var (healthy, _) = await Connect("list-a");
        var (_, dead) = await Connect("list-b");
        await Connect("list-c");
        _environment.Sandbox.Control.RevokeGrant(dead.GrantId);
        using (var refresh = await SendAsync("POST", "admin/connections/list-b/refresh", ApiKey))
        {
            Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        }

        var first = await GetJsonAsync("admin/connections?limit=2");
        var second = await GetJsonAsync($"admin/connections?limit=2&after={first.GetProperty("next").GetString()}");

        var items = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray()).ToArray();
        Assert.Equal(["list-a", "list-b", "list-c"], items.Select(i => i.GetProperty("connectionId").GetString()));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        var a = items[0];
        Assert.Equal("Active", a.GetProperty("status").GetString());
        Assert.Equal("Healthy", a.GetProperty("health").GetString());
        Assert.True(a.GetProperty("hasRefreshToken").GetBoolean());
        Assert.Equal(healthy.AccessTokenExpiresAt, a.GetProperty("accessTokenExpiresAt").GetDateTimeOffset());
        Assert.Equal(healthy.RefreshTokenExpiresAt, a.GetProperty("refreshTokenExpiresAt").GetDateTimeOffset());
        var b = items[1];
        Assert.Equal("ReauthRequired", b.GetProperty("status").GetString());
        Assert.Equal("Dead", b.GetProperty("health").GetString());
        Assert.Equal("Reauth", b.GetProperty("lastFailure").GetProperty("class").GetString());
        var storedFailure = (await _environment.Store.FindAsync("list-b", Cancel))!.LastFailure!;
        Assert.NotNull(storedFailure.ErrorCode);
        Assert.Equal(storedFailure.ErrorCode, b.GetProperty("lastFailure").GetProperty("errorCode").GetString());
        Assert.Equal("list-b", ReconnectLink.ConnectionOf(b.GetProperty("reconnectUrl").GetString(), _workerAddress));
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task Forcing_refreshes_exchanges_once_each_and_the_timeline_records_every_attempt()
    {
        var (connected, grant) = await Connect("forced-1");

        var refreshed = await PostJsonAsync("admin/connections/forced-1/refresh", HttpStatusCode.OK);
        _environment.Sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.ServiceUnavailable);
        var transient = await PostJsonAsync("admin/connections/forced-1/refresh", HttpStatusCode.OK);
        var keptTokens = await _environment.Store.FindAsync("forced-1", Cancel);
        _environment.Sandbox.Control.RevokeGrant(grant.GrantId);
        var rejected = await PostJsonAsync("admin/connections/forced-1/refresh", HttpStatusCode.OK);
        var notActive = await PostJsonAsync("admin/connections/forced-1/refresh", HttpStatusCode.Conflict);
        var timeline = await GetJsonAsync("admin/connections/forced-1/timeline");

        Assert.Equal("Refreshed", refreshed.GetProperty("outcome").GetString());
        // The connection at the top level of the answer, its timeline beside it (it was nested as connection.connection).
        Assert.Equal("forced-1", refreshed.GetProperty("connection").GetProperty("connectionId").GetString());
        Assert.Equal("Refreshed", refreshed.GetProperty("timeline")[0].GetProperty("outcome").GetString());
        Assert.Equal("TransientFailure", transient.GetProperty("outcome").GetString());
        Assert.Equal("ReauthRequired", rejected.GetProperty("outcome").GetString());
        Assert.Equal("NotActive", notActive.GetProperty("outcome").GetString());
        Assert.Contains("connect again", notActive.GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Equal([200, 503, 400], _environment.Sandbox.Control.Requests
            .Where(r => r.Endpoint == SandboxEndpoint.AccessToken).Select(r => r.Status));
        Assert.NotEqual(connected.AccessToken, keptTokens!.AccessToken);
        Assert.Equal(ConnectionStatus.Active, keptTokens.Status);

        var entries = timeline.EnumerateArray().ToArray();
        Assert.Equal(["Reauth", "Transient", "Refreshed"], entries.Select(e => e.GetProperty("outcome").GetString()));
        Assert.All(entries, e => Assert.Equal("Forced", e.GetProperty("trigger").GetString()));
        var stored = await _environment.Store.FindAsync("forced-1", Cancel);
        Assert.NotNull(stored!.LastFailure!.ErrorCode);
        Assert.Equal(stored.LastFailure.ErrorCode, entries[0].GetProperty("errorCode").GetString());
        Assert.Equal(stored.Attempts[^1].Version, entries[0].GetProperty("version").GetInt64());
        Assert.True(entries[0].GetProperty("version").GetInt64() > entries[1].GetProperty("version").GetInt64());
        Assert.True(entries[0].GetProperty("at").GetDateTimeOffset() >= entries[2].GetProperty("at").GetDateTimeOffset());

        using var page = await SendAsync("GET", "admin/status/connections/forced-1", ApiKey);
        using var unknown = await SendAsync("GET", "admin/status/connections/nobody", ApiKey);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var html = await page.Content.ReadAsStringAsync(Cancel);
        Assert.Equal(["Reauth", "Transient", "Refreshed"],
            AttemptPattern().Matches(html).Select(m => m.Groups["outcome"].Value));
        Assert.Contains("id=\"health\">Dead<", html, StringComparison.Ordinal);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task Disconnecting_revokes_at_linkedin_wipes_the_tokens_and_announces_it_once()
    {
        var (_, grant) = await Connect("leaving-1");

        var tooLong = await PostJsonAsync($"admin/connections/leaving-1/disconnect?reason={new string('x', 501)}", HttpStatusCode.BadRequest);
        var disconnected = await PostJsonAsync("admin/connections/leaving-1/disconnect?reason=offboarded", HttpStatusCode.OK);
        var again = await PostJsonAsync("admin/connections/leaving-1/disconnect", HttpStatusCode.OK);
        var refresh = await PostJsonAsync("admin/connections/leaving-1/refresh", HttpStatusCode.Conflict);

        Assert.Contains("at most 500", tooLong.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Disconnected", disconnected.GetProperty("outcome").GetString());
        Assert.Equal("AlreadyDisconnected", again.GetProperty("outcome").GetString());
        Assert.Equal("NotActive", refresh.GetProperty("outcome").GetString());
        Assert.True(_environment.Sandbox.Control.FindGrant(grant.GrantId)!.IsRevoked);
        Assert.Equal(2, _environment.Sandbox.Control.Requests.Count(r => r.Endpoint == SandboxEndpoint.Revoke && r.Status == 200));
        var stored = await _environment.Store.FindAsync("leaving-1", Cancel);
        Assert.Equal(ConnectionStatus.Disconnected, stored!.Status);
        Assert.Null(stored.AccessToken);
        Assert.Null(stored.RefreshToken);
        Assert.Null(stored.NextRefreshAt);
        Assert.Equal(AttemptOutcome.Disconnected, stored.Attempts[^1].Outcome);
        var announced = await WaitForAsync(() => _environment.OtherService.Of<ConnectionDisconnected>("leaving-1"));
        Assert.Equal("offboarded", announced.Reason);
        Assert.Equal("leaving-1", ReconnectLink.ConnectionOf(announced.ReconnectUrl?.ToString(), _workerAddress));
        await Task.Delay(500, Cancel);
        Assert.Single(_environment.OtherService.Of<ConnectionDisconnected>("leaving-1"));
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task A_revocation_linkedin_does_not_confirm_keeps_the_tokens_and_can_be_repeated()
    {
        var (connected, grant) = await Connect("stays-1");
        _environment.Sandbox.Control.InjectFault(SandboxEndpoint.Revoke, SandboxFault.InternalServerError);

        var failed = await PostJsonAsync("admin/connections/stays-1/disconnect", HttpStatusCode.BadGateway);
        var kept = await _environment.Store.FindAsync("stays-1", Cancel);
        var retried = await PostJsonAsync("admin/connections/stays-1/disconnect", HttpStatusCode.OK);

        Assert.Equal("RevokeFailed", failed.GetProperty("outcome").GetString());
        Assert.Contains("Nothing was changed", failed.GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Equal(ConnectionStatus.Active, kept!.Status);
        Assert.Equal(connected.AccessToken, kept.AccessToken);
        Assert.Equal(connected.RefreshToken, kept.RefreshToken);
        Assert.Null(kept.Lease);
        Assert.Equal("Disconnected", retried.GetProperty("outcome").GetString());
        Assert.True(_environment.Sandbox.Control.FindGrant(grant.GrantId)!.IsRevoked);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task A_post_sent_through_the_api_is_published_and_a_bad_one_is_refused_before_sending()
    {
        await Connect("poster-1");

        var accepted = await PostJsonAsync("admin/connections/poster-1/posts", HttpStatusCode.Accepted,
            JsonContent.Create(new { postId = "admin-post-1", text = "Sent by an operator", visibility = "Connections" }));
        var empty = await PostJsonAsync("admin/connections/poster-1/posts", HttpStatusCode.BadRequest, JsonContent.Create(new { text = "  " }));
        var unknown = await PostJsonAsync("admin/connections/nobody/posts", HttpStatusCode.NotFound, JsonContent.Create(new { text = "Hello" }));

        Assert.Equal("admin-post-1", accepted.GetProperty("postId").GetString());
        Assert.Contains("empty", empty.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("nobody", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await PipelineHost.WaitUntilAsync(() => _environment.OtherService.Posts<PostPublished>("admin-post-1").Count == 1, "PostPublished", TimeSpan.FromSeconds(30));
        var post = Assert.Single(_environment.Sandbox.Control.Posts);
        Assert.Equal("Sent by an operator", post.Text);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task The_status_page_has_one_row_per_connection_and_the_fleet_deadlines()
    {
        var (first, _) = await Connect("page-a");
        await Connect("page-b");
        var (_, dead) = await Connect("page-c");
        _environment.Sandbox.Control.RevokeGrant(dead.GrantId);
        await PostJsonAsync("admin/connections/page-c/refresh", HttpStatusCode.OK);

        using var response = await SendAsync("GET", "admin/status", ApiKey);
        var html = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var rows = RowPattern().Matches(html).Select(m => (Id: m.Groups["id"].Value, Health: m.Groups["health"].Value)).ToArray();
        Assert.Equal([("page-a", "Healthy"), ("page-b", "Healthy"), ("page-c", "Dead")], rows);
        Assert.Contains($"data-at=\"{first.AccessTokenExpiresAt!.Value.ToUniversalTime():O}\"", html, StringComparison.Ordinal);
        Assert.Contains("data-status=\"ReauthRequired\" data-count=\"1\"", html, StringComparison.Ordinal);
        Assert.Contains("connect/linkedin?reconnect=", html, StringComparison.Ordinal);
        Assert.Contains("href=\"status/connections/page-a\"", html, StringComparison.Ordinal);
        AssertNoSecretInAnyResponse();
    }

    [GeneratedRegex("<tr class=\"attempt\" data-trigger=\"Forced\" data-outcome=\"(?<outcome>[A-Za-z]+)\"")]
    private static partial Regex AttemptPattern();

    [GeneratedRegex("<tr class=\"connection [A-Za-z]+\" data-connection-id=\"(?<id>[^\"]+)\" data-health=\"(?<health>[A-Za-z]+)\"")]
    private static partial Regex RowPattern();

    /// <summary>A connection with a fresh 60-day grant, so nothing is due; its tokens join the secrets to scan for.</summary>
    private async Task<(Connection Connection, SeededGrant Grant)> Connect(string connectionId)
    {
        var (connection, grant) = await _environment.ConnectAsync(connectionId, TimeSpan.FromDays(60));
        _secrets.Add(grant.AccessToken);
        _secrets.Add(grant.RefreshToken!);
        return (connection, grant);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? key, Action<HttpRequestMessage>? configure = null, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        configure?.Invoke(request);
        var response = await _http.SendAsync(request, Cancel);
        _bodies.Add(await response.Content.ReadAsStringAsync(Cancel));
        return response;
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await SendAsync("GET", path, ApiKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(_bodies[^1]).RootElement.Clone();
    }

    private async Task<JsonElement> PostJsonAsync(string path, HttpStatusCode expected, HttpContent? content = null)
    {
        using var response = await SendAsync("POST", path, ApiKey, content: content);
        Assert.True(expected == response.StatusCode, $"POST {path}: expected {expected}, got {response.StatusCode}: {_bodies[^1]}");
        return JsonDocument.Parse(_bodies[^1]).RootElement.Clone();
    }

    private void AssertNoSecretInAnyResponse()
    {
        Assert.NotEmpty(_bodies);
        foreach (var body in _bodies)
        {
            foreach (var secret in _secrets)
            {
                Assert.False(body.Contains(secret, StringComparison.Ordinal), "A secret appeared in an admin response.");
            }
        }
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static async Task<T> WaitForAsync<T>(Func<IReadOnlyList<T>> events)
    {
        await PipelineHost.WaitUntilAsync(() => events().Count > 0, typeof(T).Name, TimeSpan.FromSeconds(30));
        return events()[0];
    }
}
