using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Sandbox;
using TokenWorkers.Telemetry;
using TokenWorkers.Tests.RabbitMq;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Admin;

/// <summary>
/// The LinkedIn proxy and token vending over the worker's real HTTP listener, with the sandbox as LinkedIn over HTTP. Every
/// answer is kept and, at the end of each test, scanned for the connections' tokens and the keys.
/// </summary>
public sealed partial class ProxyApiTests : IAsyncLifetime
{
    private const string AdminKey = "proxy-admin-SENTINEL-0a1b2c3d4e5f6a7b";
    private const string ProxyKey = "proxy-tenant-t-SENTINEL-1b2c3d4e5f6a7b8c";
    private const string AnyTenantKey = "proxy-any-tenant-SENTINEL-2c3d4e5f6a7b8c9d";
    private const string ReaderKey = "proxy-reader-SENTINEL-3d4e5f6a7b8c9d0e";
    private const string VendorKey = "proxy-vendor-SENTINEL-4e5f6a7b8c9d0e1f";
    private const long MaxRequestBody = 1024;

    private readonly List<string> _bodies = [];
    private readonly List<string> _secrets = [AdminKey, ProxyKey, AnyTenantKey, ReaderKey, VendorKey];
    private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, string?> Tags)> _measurements = new();
    private RabbitMqWorkerEnvironment _environment = null!;
    private Uri _workerAddress = null!;
    private HttpClient _http = null!;
    private MeterListener _listener = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        _workerAddress = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        await _environment.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Urls"] = _workerAddress.ToString().TrimEnd('/'),
            ["Admin:Enabled"] = "true",
            ["Admin:ApiKey"] = AdminKey,
            ["Admin:Keys:0:Name"] = "proxy-t",
            ["Admin:Keys:0:Key"] = ProxyKey,
            ["Admin:Keys:0:Scopes:0"] = "proxy",
            ["Admin:Keys:0:Tenants:0"] = "t",
            ["Admin:Keys:1:Name"] = "proxy-any",
            ["Admin:Keys:1:Key"] = AnyTenantKey,
            ["Admin:Keys:1:Scopes:0"] = "proxy",
            ["Admin:Keys:2:Name"] = "reader",
            ["Admin:Keys:2:Key"] = ReaderKey,
            ["Admin:Keys:2:Scopes:0"] = "read",
            ["Admin:Keys:3:Name"] = "vendor",
            ["Admin:Keys:3:Key"] = VendorKey,
            ["Admin:Keys:3:Scopes:0"] = "access-token",
            ["Admin:Keys:3:Tenants:0"] = "t",
            ["Proxy:Enabled"] = "true",
            ["Proxy:MaxRequestBodyBytes"] = MaxRequestBody.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Nothing refreshes behind the tests' backs: every exchange here is one the test caused.
            ["Refresh:ScanInterval"] = "01:00:00",
        });
        _http = new HttpClient { BaseAddress = _workerAddress, Timeout = TimeSpan.FromSeconds(30) };
        var scope = _environment.Worker.Services.GetRequiredService<IMeterFactory>();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == TokenWorkersMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            _measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString()))));
        _listener.Start();
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        _http.Dispose();
        await _environment.DisposeAsync();
    }

    [Fact]
    public async Task A_GET_goes_to_LinkedIn_with_the_connections_token_and_LinkedIns_answer_comes_back()
    {
        var (_, grant) = await Connect("fwd");
        _environment.Sandbox.Control.ResetRequests();

        // The caller's own Authorization (its proxy key) is how it signs in here; LinkedIn must see the connection's token instead.
        using var response = await SendAsync("GET", "proxy/linkedin/fwd/v2/userinfo", key: null,
            r => r.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ProxyKey));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Single(response.Headers.GetValues("x-li-request-id"), v => v.Length > 0);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = JsonDocument.Parse(_bodies[^1]).RootElement;
        Assert.Equal(SubOf(grant), body.GetProperty("sub").GetString());
        var call = Assert.Single(_environment.Sandbox.Control.Requests);
        Assert.Equal((SandboxEndpoint.Userinfo, 200, grant.GrantId), (call.Endpoint, call.Status, call.GrantId));
        Assert.Contains(_measurements, m => m.Instrument == "tokenworkers.proxy.calls" && m.Tags["key"] == "proxy-t" && m.Tags["outcome"] == "2xx"
                                            && m.Tags["method"] == "GET" && m.Tags["app"] == "default" && !m.Tags.ContainsKey("connection_id"));
        Assert.Contains(_measurements, m => m.Instrument == "tokenworkers.proxy.linkedin_calls" && m.Tags["key"] == "proxy-t" && m.Tags["app"] == "default"
                                            && m.Value == 1);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task LinkedIns_version_header_is_passed_on_and_its_errors_come_back_as_they_are()
    {
        await Connect("ver");
        var page = _environment.Sandbox.Control.CreateOrganization(2414183, "Acme Corp");
        var served = DateTime.UtcNow.AddMonths(-1).ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture);

        using var found = await SendAsync("GET", $"proxy/linkedin/ver/rest/organizations/{page.Id}", ProxyKey, r => r.Headers.Add("LinkedIn-Version", served));
        var foundBody = _bodies[^1];
        using var missing = await SendAsync("GET", $"proxy/linkedin/ver/rest/organizations/{page.Id}", ProxyKey);
        var missingBody = _bodies[^1];
        using var me = await SendAsync("GET", "proxy/linkedin/ver/v2/me", ProxyKey);

        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        Assert.Equal("Acme Corp", JsonDocument.Parse(foundBody).RootElement.GetProperty("localizedName").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("VERSION_MISSING", JsonDocument.Parse(missingBody).RootElement.GetProperty("code").GetString());
        // An OpenID-only grant: LinkedIn's own 403, passed back (the proxy adds no scope of its own).
        Assert.Equal(HttpStatusCode.Forbidden, me.StatusCode);
        Assert.Contains("me.GET.NO_VERSION", _bodies[^1], StringComparison.Ordinal);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task A_GET_answered_401_gets_one_refresh_and_is_made_once_more()
    {
        var (before, grant) = await Connect("retry-get");
        await SupersedeAccessTokenAsync(grant);
        _environment.Sandbox.Control.ResetRequests();

        using var response = await SendAsync("GET", "proxy/linkedin/retry-get/v2/userinfo", ProxyKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([401, 200], _environment.Sandbox.Control.Requests.Where(r => r.Endpoint == SandboxEndpoint.Userinfo).Select(r => r.Status));
        Assert.Single(_environment.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.AccessToken && r.Status == 200);
        var after = await _environment.Store.FindAsync("retry-get", Cancel);
        Assert.NotEqual(before.AccessToken, after!.AccessToken);
        _secrets.Add(after.AccessToken!.Reveal());
        Assert.Contains(_measurements, m => m.Instrument == "tokenworkers.proxy.linkedin_calls" && m.Value == 2);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task A_POST_answered_401_is_never_made_again_but_the_next_one_has_a_fresh_token()
    {
        var (_, grant) = await Connect("retry-post");
        await SupersedeAccessTokenAsync(grant);
        _environment.Sandbox.Control.ResetRequests();
        var post = Encoding.UTF8.GetBytes(
            $$$"""{"author":"urn:li:person:{{{SubOf(grant)}}}","lifecycleState":"PUBLISHED","specificContent":{"com.linkedin.ugc.ShareContent":{"shareCommentary":{"text":"Through the proxy"},"shareMediaCategory":"NONE"}},"visibility":{"com.linkedin.ugc.MemberNetworkVisibility":"PUBLIC"}}""");

        using var refused = await SendAsync("POST", "proxy/linkedin/retry-post/v2/ugcPosts", ProxyKey, Restli, Json(post));
        var postsAfterFirst = _environment.Sandbox.Control.Requests.Count(r => r.Endpoint == SandboxEndpoint.UgcPosts);
        using var created = await SendAsync("POST", "proxy/linkedin/retry-post/v2/ugcPosts", ProxyKey, Restli, Json(post));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(1, postsAfterFirst);
        Assert.Single(_environment.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.AccessToken && r.Status == 200);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("urn:li:", Assert.Single(created.Headers.GetValues("x-restli-id")), StringComparison.Ordinal);
        Assert.Single(_environment.Sandbox.Control.Posts);
        _secrets.Add((await _environment.Store.FindAsync("retry-post", Cancel))!.AccessToken!.Reveal());
        AssertNoSecretInAnyResponse();

        static void Restli(HttpRequestMessage r) => r.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
    }

    [Fact]
    public async Task A_connection_whose_member_must_log_in_again_answers_409_reauth_required()
    {
        var (_, grant) = await Connect("dead");
        _environment.Sandbox.Control.RevokeGrant(grant.GrantId);

        using var first = await SendAsync("GET", "proxy/linkedin/dead/v2/userinfo", ProxyKey);
        var firstBody = _bodies[^1];
        _environment.Sandbox.Control.ResetRequests();
        using var second = await SendAsync("GET", "proxy/linkedin/dead/v2/userinfo", ProxyKey);

        Assert.Equal(HttpStatusCode.Conflict, first.StatusCode);
        Assert.Equal("application/problem+json", first.Content.Headers.ContentType?.MediaType);
        Assert.Equal("reauth_required", JsonDocument.Parse(firstBody).RootElement.GetProperty("reason").GetString());
        Assert.Equal(ConnectionStatus.ReauthRequired, (await _environment.Store.FindAsync("dead", Cancel))!.Status);
        // Known dead now: answered without asking LinkedIn again.
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Empty(_environment.Sandbox.Control.Requests);
        AssertNoSecretInAnyResponse();
    }

    /// <summary>A connection with a fresh 60-day grant in tenant <paramref name="tenantId"/>; its tokens join the secrets to scan for.</summary>
    private async Task<(Connection Connection, SeededGrant Grant)> Connect(string connectionId, string tenantId = "t")
    {
        var (connection, grant) = await _environment.ConnectAsync(connectionId, TimeSpan.FromDays(60), tenantId: tenantId);
        _secrets.Add(grant.AccessToken);
        _secrets.Add(grant.RefreshToken!);
        return (connection, grant);
    }

    /// <summary>
    /// LinkedIn refuses the connection's stored access token from now on (401), while its refresh token still works: someone
    /// else refreshed the grant and the old token has no grace period.
    /// </summary>
    private async Task SupersedeAccessTokenAsync(SeededGrant grant)
    {
        _environment.Sandbox.Control.SetOldAccessTokenGrace(TimeSpan.Zero);
        using var sandbox = new HttpClient { BaseAddress = _environment.Sandbox.BaseAddress };
        using var refreshed = await sandbox.PostAsync("oauth/v2/accessToken", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = grant.RefreshToken!,
            ["client_id"] = RabbitMqWorkerEnvironment.ClientId,
            ["client_secret"] = RabbitMqWorkerEnvironment.ClientSecret,
        }), Cancel);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        _secrets.Add(JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("access_token").GetString()!);
    }

    private string SubOf(SeededGrant grant) => _environment.Sandbox.Control.FindGrant(grant.GrantId)!.MemberSub;

    private static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
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

    private void AssertNoSecretInAnyResponse()
    {
        Assert.NotEmpty(_bodies);
        foreach (var body in _bodies)
        {
            foreach (var secret in _secrets)
            {
                Assert.False(body.Contains(secret, StringComparison.Ordinal), "A secret appeared in a proxy answer.");
            }
        }
    }
}
