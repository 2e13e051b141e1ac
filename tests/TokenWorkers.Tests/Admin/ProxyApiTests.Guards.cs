using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Ports;

namespace TokenWorkers.Tests.Admin;

/// <summary>What the proxy and token vending refuse: path tricks, oversized bodies, missing scopes, other tenants, vending while off.</summary>
public sealed partial class ProxyApiTests
{
    /// <summary>Raw request targets, as an attacker would put them on the wire (an HTTP client would normalize most of them first).</summary>
    public static TheoryData<string> PathTricks => new()
    {
        "/proxy/linkedin/ssrf/http://evil.example/v2/userinfo",
        "/proxy/linkedin/ssrf/https:evil.example",
        "/proxy/linkedin/ssrf//evil.example/v2/userinfo",
        "/proxy/linkedin/ssrf/v2/../../../admin/connections",
        "/proxy/linkedin/ssrf/../v2/userinfo",
        "/proxy/linkedin/ssrf/v2/%2e%2e/%2e%2e/v2/userinfo",
        "/proxy/linkedin/ssrf/v2/%2E%2E/userinfo",
        "/proxy/linkedin/ssrf/v2%2Fuserinfo",
        "/proxy/linkedin/ssrf/v2%2fuserinfo",
        "/proxy/linkedin/ssrf/v2%5Cuserinfo",
        "/proxy/linkedin/ssrf/v2\\userinfo",
        "/proxy/linkedin/ssrf/v2/%252e%252e/userinfo",
        "/proxy/linkedin/ssrf/@evil.example/v2/userinfo",
        "/proxy/linkedin/ssrf/user:pass@evil.example/v2/userinfo",
        "/proxy/linkedin/ssrf/",
        "/proxy/linkedin/ssrf/v2/./userinfo",
        "http://evil.example/proxy/linkedin/ssrf/v2/userinfo",
    };

    [Theory]
    [MemberData(nameof(PathTricks))]
    public async Task A_path_that_could_leave_LinkedIns_API_base_is_refused_and_nothing_is_sent(string rawTarget)
    {
        await Connect("ssrf");
        _environment.Sandbox.Control.ResetRequests();

        var (status, body) = await RawGetAsync(rawTarget, ProxyKey);

        // 400 from the proxy's own check; a target the server normalizes into another route meets that route's scope check.
        Assert.True(status is 400 or 403 or 404, $"{rawTarget}: {status} {body}");
        Assert.Empty(_environment.Sandbox.Control.Requests);
        if (status == 400 && body.Contains("\"reason\"", StringComparison.Ordinal))
        {
            Assert.Contains("\"reason\":\"bad_path\"", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_body_over_the_limit_answers_413_whether_declared_or_chunked_and_nothing_is_sent()
    {
        await Connect("big");
        _environment.Sandbox.Control.ResetRequests();
        var big = new string('x', (int)MaxRequestBody + 1);

        using var declared = await SendAsync("POST", "proxy/linkedin/big/v2/ugcPosts", ProxyKey, content: new StringContent(big, Encoding.UTF8, "application/json"));
        var declaredBody = _bodies[^1];
        using var chunked = await SendAsync("POST", "proxy/linkedin/big/v2/ugcPosts", ProxyKey, content: new ChunkedContent(Encoding.UTF8.GetBytes(big)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("request_too_large", JsonDocument.Parse(declaredBody).RootElement.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Empty(_environment.Sandbox.Control.Requests);
    }

    [Fact]
    public async Task A_key_without_the_proxy_scope_is_refused_and_a_tenant_bound_key_cannot_reach_another_tenant()
    {
        await Connect("other-tenant", tenantId: "u");
        _environment.Sandbox.Control.ResetRequests();

        using var reader = await SendAsync("GET", "proxy/linkedin/other-tenant/v2/userinfo", ReaderKey);
        using var bound = await SendAsync("GET", "proxy/linkedin/other-tenant/v2/userinfo", ProxyKey);
        var boundBody = _bodies[^1];
        using var unknown = await SendAsync("GET", "proxy/linkedin/no-such-connection/v2/userinfo", ProxyKey);
        var unknownBody = _bodies[^1];
        var refusedCalls = _environment.Sandbox.Control.Requests.Count;
        using var unbound = await SendAsync("GET", "proxy/linkedin/other-tenant/v2/userinfo", AnyTenantKey);

        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bound.StatusCode);
        // Another tenant's connection reads exactly like one that does not exist.
        Assert.Equal(
            JsonDocument.Parse(unknownBody).RootElement.GetProperty("reason").GetString(),
            JsonDocument.Parse(boundBody).RootElement.GetProperty("reason").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(0, refusedCalls);
        Assert.Equal(HttpStatusCode.OK, unbound.StatusCode);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task Token_vending_is_off_by_default_every_call_is_audited_and_when_on_the_token_is_never_cached()
    {
        await Connect("vend");
        await Connect("vend-u", tenantId: "u");

        using var off = await SendAsync("GET", "admin/connections/vend/access-token", VendorKey);
        var offBody = _bodies[^1];
        using var adminKey = await SendAsync("GET", "admin/connections/vend/access-token", AdminKey);

        var configuration = (IConfigurationRoot)_environment.Worker.Services.GetRequiredService<IConfiguration>();
        configuration["Proxy:TokenVending:Enabled"] = "true";
        configuration.Reload();
        using var on = await SendAsync("GET", "admin/connections/vend/access-token", VendorKey);
        var onBody = _bodies[^1];
        using var otherTenant = await SendAsync("GET", "admin/connections/vend-u/access-token", VendorKey);

        Assert.Equal(HttpStatusCode.Forbidden, off.StatusCode);
        Assert.Equal("token_vending_disabled", JsonDocument.Parse(offBody).RootElement.GetProperty("reason").GetString());
        // The all-scopes key does not include access-token: a key must name it.
        Assert.Equal(HttpStatusCode.Forbidden, adminKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        Assert.Equal("no-store", on.Headers.CacheControl?.ToString());
        var stored = (await _environment.Store.FindAsync("vend", Cancel))!;
        Assert.Equal(stored.AccessToken!.Reveal(), JsonDocument.Parse(onBody).RootElement.GetProperty("accessToken").GetString());
        Assert.DoesNotContain(stored.RefreshToken!.Reveal(), onBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, otherTenant.StatusCode);

        var trail = await _environment.Worker.Services.GetRequiredService<IAuditTrail>().ListAsync(new AuditQuery(50), Cancel);
        var vending = trail.Where(r => r.Action == "GET /admin/connections/{connectionId}/access-token").ToList();
        Assert.Equal(
            ["admin vend 403", "vendor vend 200", "vendor vend 403", "vendor vend-u 404"],
            vending.Select(r => $"{r.Actor} {r.Target} {r.Status}").Order(StringComparer.Ordinal));
        Assert.Contains(stored.AccessToken.Fingerprint, Assert.Single(vending, r => r.Status == 200).Detail, StringComparison.Ordinal);
        Assert.All(trail, r => Assert.DoesNotContain(stored.AccessToken.Reveal(), r.Detail ?? "", StringComparison.Ordinal));

        // Everything but the one answer that hands the token out holds no secret.
        _bodies.Remove(onBody);
        AssertNoSecretInAnyResponse();
    }

    /// <summary>GET <paramref name="rawTarget"/> exactly as written, over a socket: status and body.</summary>
    private async Task<(int Status, string Body)> RawGetAsync(string rawTarget, string key)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_workerAddress.Host, _workerAddress.Port, Cancel);
        await using var stream = client.GetStream();
        var request = $"GET {rawTarget} HTTP/1.1\r\nHost: {_workerAddress.Authority}\r\nX-Api-Key: {key}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), Cancel);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync(Cancel);
        _bodies.Add(answer);
        var status = int.Parse(answer.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var bodyAt = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (status, bodyAt < 0 ? "" : answer[(bodyAt + 4)..]);
    }

    /// <summary>A body sent without Content-Length (Transfer-Encoding: chunked).</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
