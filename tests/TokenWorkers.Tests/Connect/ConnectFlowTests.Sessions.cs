using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Connect;

/// <summary>
/// Who may start a flow. A first connection needs a connect session the product's backend minted with a key holding the
/// connect scope; its link works once. A link anyone could write (a connection id and a tenant) or the reconnect link in
/// events can only renew an existing connection for its own member.
/// </summary>
public sealed partial class ConnectFlowTests
{
    [Fact]
    public async Task A_stranger_cannot_start_a_first_connection_with_a_link_they_wrote_themselves()
    {
        // Before connect sessions this redirected to LinkedIn, and whoever consented became the connection's member.
        using var response = await _browser.GetAsync(new Uri(_workerAddress, "connect/linkedin?connectionId=guessed-1&tenantId=t"), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("cannot start a new connection", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.DoesNotContain(_environment.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.AccessToken);
    }

    [Fact]
    public async Task A_session_link_connects_a_member_once_and_a_second_use_is_refused()
    {
        _environment.Sandbox.Control.SetAuthorization(AuthorizationDecision.Consent, _environment.Sandbox.Control.CreateMember().Sub);
        var link = await MintAsync("session-1", "tenant-s", "https://app.example.com/done");

        using var done = await _browser.GetAsync(await AuthorizeAtLinkedInAsync(link), Cancel);
        using var again = await _browser.GetAsync(link, Cancel);

        Assert.Equal("https://app.example.com/done?connectionId=session-1&status=connected", done.Headers.Location!.ToString());
        Assert.Equal(ConnectionStatus.Active, (await _environment.Store.FindAsync("session-1", Cancel))!.Status);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("already used", await again.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Minting_needs_a_key_with_the_connect_scope_and_every_attempt_is_audited()
    {
        using var reader = await PostSessionAsync(ReaderKey, new { connectionId = "minted-1", tenantId = "t" });
        using var nobody = await PostSessionAsync(null, new { connectionId = "minted-1", tenantId = "t" });
        using var backend = await PostSessionAsync(BackendKey, new { connectionId = "minted-1", tenantId = "t" });

        Assert.Equal(HttpStatusCode.Forbidden, reader.StatusCode);
        Assert.Contains("does not hold the scope 'connect'", await reader.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, nobody.StatusCode);
        Assert.Equal(HttpStatusCode.Created, backend.StatusCode);
        var body = await backend.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.StartsWith(new Uri(_workerAddress, "connect/linkedin?session=").ToString(), body.GetProperty("url").GetString(), StringComparison.Ordinal);
        Assert.InRange(body.GetProperty("expiresAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(14), DateTimeOffset.UtcNow.AddMinutes(16));

        // The trail: who asked, for what, refused or not; never the link's secret.
        // The refusal comes before the body is read, so it has no target; the minted session names its connection.
        var trail = (await _worker.Services.GetRequiredService<IAuditTrail>().ListAsync(new AuditQuery(100), Cancel))
            .Where(r => r.Action.EndsWith("/connect-sessions", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [("backend", AuditOutcome.Succeeded, 201, "minted-1"), ("reader", AuditOutcome.Refused, 403, null)],
            trail.Select(r => (r.Actor, r.Outcome, r.Status, r.Target)));
        Assert.All(trail, r => Assert.Equal("POST /admin/connect-sessions", r.Action));
        var secret = System.Web.HttpUtility.ParseQueryString(new Uri(body.GetProperty("url").GetString()!).Query)["session"]!;
        Assert.DoesNotContain(trail, r => JsonSerializer.Serialize(r).Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_is_refused_for_a_return_url_off_the_allowed_origins_or_another_tenants_connection()
    {
        await _environment.ConnectDueAsync("tenanted-1");

        using var evil = await PostSessionAsync(BackendKey, new { connectionId = "x-1", tenantId = "t", returnUrl = "https://evil.example.net/" });
        using var otherTenant = await PostSessionAsync(BackendKey, new { connectionId = "tenanted-1", tenantId = "someone-else" });
        using var noIds = await PostSessionAsync(BackendKey, new { connectionId = "", tenantId = "t" });

        Assert.Equal(HttpStatusCode.BadRequest, evil.StatusCode);
        Assert.Contains("returnUrl is not on an allowed origin", await evil.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, otherTenant.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noIds.StatusCode);
    }

    [Fact]
    public async Task The_reconnect_link_renews_only_a_connection_bound_to_its_member_and_a_tampered_one_is_refused()
    {
        var owner = _environment.Sandbox.Control.CreateMember();
        _environment.Sandbox.Control.SetAuthorization(AuthorizationDecision.Consent, owner.Sub);
        using (await _browser.GetAsync(await AuthorizeAtLinkedInAsync("linked-1", "t", null), Cancel))
        {
        }

        var link = _worker.Services.GetRequiredService<IReconnectLinks>().LinkFor("linked-1", "t")!;
        var tampered = new Uri(link.AbsoluteUri[..^3] + (link.AbsoluteUri[^3] == 'A' ? "B" : "A") + link.AbsoluteUri[^2..]);
        var unknown = _worker.Services.GetRequiredService<IReconnectLinks>().LinkFor("never-connected", "t")!;

        using var renewed = await _browser.GetAsync(await AuthorizeAtLinkedInAsync(link), Cancel);
        using var altered = await _browser.GetAsync(tampered, Cancel);
        using var first = await _browser.GetAsync(unknown, Cancel);

        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, altered.StatusCode);
        Assert.Contains("altered", await altered.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Contains("cannot start a new connection", await first.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Null(await _environment.Store.FindAsync("never-connected", Cancel));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_stranger_with_a_reconnect_link_who_signs_in_as_themself_changes_nothing_and_is_audited(bool signedLink)
    {
        var id = signedLink ? "owned-signed" : "owned-legacy";
        var owner = _environment.Sandbox.Control.CreateMember();
        _environment.Sandbox.Control.SetAuthorization(AuthorizationDecision.Consent, owner.Sub);
        using (await _browser.GetAsync(await AuthorizeAtLinkedInAsync(id, "t", null), Cancel))
        {
        }

        var before = (await _environment.Store.FindAsync(id, Cancel))!;
        Assert.Equal($"urn:li:person:{owner.Sub}", before.MemberUrn);

        // The reconnect link travels in every ReauthRequired (signed now; the connectionId/tenantId form in events sent by
        // earlier versions); a stranger who has it consents as their own member.
        var stranger = _environment.Sandbox.Control.CreateMember();
        _environment.Sandbox.Control.SetAuthorization(AuthorizationDecision.Consent, stranger.Sub);
        var link = signedLink
            ? _worker.Services.GetRequiredService<IReconnectLinks>().LinkFor(id, "t")!
            : new Uri(_workerAddress, $"connect/linkedin?connectionId={id}&tenantId=t");
        using var strangerBrowser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var toLinkedIn = await strangerBrowser.GetAsync(link, Cancel);
        using var back = await strangerBrowser.GetAsync(toLinkedIn.Headers.Location!, Cancel);
        using var refused = await strangerBrowser.GetAsync(back.Headers.Location!, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("different member", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        var after = (await _environment.Store.FindAsync(id, Cancel))!;
        Assert.Equal((before.Version, before.MemberUrn, before.AccessToken), (after.Version, after.MemberUrn, after.AccessToken));
        var trail = await _worker.Services.GetRequiredService<IAuditTrail>().ListAsync(new AuditQuery(10, Target: id), Cancel);
        Assert.Equal(
            [
                ($"urn:li:person:{stranger.Sub}", "connect.reconnect-link", AuditOutcome.Refused),
                ($"urn:li:person:{owner.Sub}", "connect.session", AuditOutcome.Succeeded),
                ("backend", "POST /admin/connect-sessions", AuditOutcome.Succeeded),
            ],
            trail.Select(r => (r.Actor, r.Action, r.Outcome)));
        await PipelineHost.WaitUntilAsync(() => _environment.OtherService.Of<ConnectionAuthorized>(id).Count == 1, "the first ConnectionAuthorized", TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromMilliseconds(300), Cancel);
        Assert.DoesNotContain(_environment.OtherService.Of<ConnectionAuthorized>(id), e => e.Reconnected);
    }

    private async Task<Uri> MintAsync(string connectionId, string tenantId, string? returnUrl)
    {
        using var response = await PostSessionAsync(BackendKey, new { connectionId, tenantId, returnUrl });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new Uri((await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("url").GetString()!);
    }

    private async Task<HttpResponseMessage> PostSessionAsync(string? key, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_workerAddress, "admin/connect-sessions")) { Content = JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        return await _browser.SendAsync(request, Cancel);
    }
}
