using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Connect;

/// <summary>Connect sessions that name one of several LinkedIn apps: the member is sent to that app, and the connection belongs to it.</summary>
public sealed partial class ConnectFlowTests
{
    private const string ShareClientId = "tw-share";
    private const string ShareSecret = "tw-share-SENTINEL-secret";
    private const string ShareScopes = "openid profile w_member_social";

    [Fact]
    public async Task A_session_naming_an_app_sends_the_member_to_that_app_and_the_connection_belongs_to_it()
    {
        var member = _environment.Sandbox.Control.CreateMember();
        _environment.Sandbox.Control.SetAuthorization(AuthorizationDecision.Consent, member.Sub);
        using var minted = await PostSessionAsync(BackendKey, new { connectionId = "app-share-1", tenantId = "tenant-app", app = "share" });
        Assert.Equal(HttpStatusCode.Created, minted.StatusCode);
        var session = await minted.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("share", session.GetProperty("app").GetString());

        using var toLinkedIn = await _browser.GetAsync(new Uri(session.GetProperty("url").GetString()!), Cancel);
        var authorization = toLinkedIn.Headers.Location!.AbsoluteUri;
        Assert.Contains($"client_id={ShareClientId}&", authorization, StringComparison.Ordinal);
        Assert.Contains($"scope={Uri.EscapeDataString(ShareScopes)}", authorization, StringComparison.Ordinal);
        using var back = await _browser.GetAsync(toLinkedIn.Headers.Location, Cancel);
        using var done = await _browser.GetAsync(back.Headers.Location, Cancel);

        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var stored = (await _environment.Store.FindAsync("app-share-1", Cancel))!;
        Assert.Equal("share", stored.App);
        Assert.Null(stored.RefreshToken);
        var exchange = Assert.Single(_environment.Sandbox.Control.Requests,
            r => r.Endpoint == SandboxEndpoint.AccessToken && r.GrantType == "authorization_code" && r.MemberSub == member.Sub);
        Assert.Equal(ShareClientId, exchange.ClientId);
        Assert.Equal(200, exchange.Status);
        await PipelineHost.WaitUntilAsync(() => _environment.OtherService.Of<ConnectionAuthorized>("app-share-1").Count == 1, "ConnectionAuthorized", TimeSpan.FromSeconds(20));
        Assert.Equal("share", _environment.OtherService.Of<ConnectionAuthorized>("app-share-1")[0].App);
    }

    [Fact]
    public async Task A_session_without_an_app_uses_the_default_app_as_before_and_an_unknown_app_is_refused_with_400()
    {
        using var unknown = await PostSessionAsync(BackendKey, new { connectionId = "app-unknown", tenantId = "tenant-app", app = "marketing" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("no LinkedIn app named 'marketing'", await unknown.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        using var plain = await PostSessionAsync(BackendKey, new { connectionId = "app-default", tenantId = "tenant-app" });
        Assert.Equal(HttpStatusCode.Created, plain.StatusCode);
        var session = await plain.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal(Connection.DefaultApp, session.GetProperty("app").GetString());
        using var toLinkedIn = await _browser.GetAsync(new Uri(session.GetProperty("url").GetString()!), Cancel);
        Assert.Contains($"client_id={RabbitMq.RabbitMqWorkerEnvironment.ClientId}&", toLinkedIn.Headers.Location!.ToString(), StringComparison.Ordinal);
    }
}
