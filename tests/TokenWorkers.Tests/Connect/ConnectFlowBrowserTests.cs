using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Admin;
using TokenWorkers.Connections;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Admin;
using TokenWorkers.Tests.RabbitMq;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Connect;

/// <summary>
/// The connect flow as a member lives it, in headless Chromium: the product's backend mints a session over HTTP, the
/// browser follows the link through the sandbox's consent and back, and lands on the product's page. Everything is real:
/// the worker's host, the sandbox on its own port, the product's page on a third, redirects and cookies as Chromium does them.
/// </summary>
public sealed class ConnectFlowBrowserTests : IAsyncLifetime
{
    private const string BackendKey = "backend-key-SENTINEL-5a7c9e1b3d5f7a9c";
    private RabbitMqWorkerEnvironment _environment = null!;
    private WebApplication _worker = null!;
    private WebApplication _product = null!;
    private Uri _workerAddress = null!;
    private Uri _productAddress = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        _productAddress = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        _product = ProductPage(_productAddress);
        await _product.StartAsync(Cancel);
        _workerAddress = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        _environment.Sandbox.Control.CreateApp(RabbitMqWorkerEnvironment.ClientId, RabbitMqWorkerEnvironment.ClientSecret,
            redirectUris: [new Uri(_workerAddress, "connect/linkedin/callback").ToString()]);
        _worker = await _environment.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Urls"] = _workerAddress.ToString().TrimEnd('/'),
            ["Connect:Enabled"] = "true",
            ["Connect:PublicBaseUrl"] = _workerAddress.ToString(),
            ["Connect:StateKey"] = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 13)).ToArray()),
            ["Connect:AllowedReturnOrigins:0"] = _productAddress.GetLeftPart(UriPartial.Authority),
            ["Admin:Enabled"] = "true",
            ["Admin:Keys:0:Name"] = "product-backend",
            ["Admin:Keys:0:Key"] = BackendKey,
            ["Admin:Keys:0:Scopes:0"] = AdminScopes.Connect,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _product.DisposeAsync();
        await _environment.DisposeAsync();
    }

    [Fact]
    public async Task A_member_follows_a_minted_link_consents_and_lands_back_and_the_link_then_and_a_stranger_are_refused()
    {
        var chromium = Chromium.Require();
        var member = _environment.Sandbox.Control.CreateMember();
        _environment.Sandbox.Control.SetAuthorization(AuthorizationDecision.Consent, member.Sub);
        var link = await MintAsync("browser-1", "tenant-b", new Uri(_productAddress, "linkedin/done?tab=settings"));

        var landed = await chromium.DumpDomAsync(link);
        await chromium.ScreenshotAsync(link, Screenshot("connect-link-used-twice.png"));

        Assert.Contains("<p id=\"landed\">/linkedin/done?tab=settings&amp;connectionId=browser-1&amp;status=connected</p>", landed, StringComparison.Ordinal);
        var stored = await _environment.Store.FindAsync("browser-1", Cancel);
        Assert.Equal((ConnectionStatus.Active, $"urn:li:person:{member.Sub}", "tenant-b"), (stored!.Status, stored.MemberUrn, stored.TenantId));
        // The screenshot above was the link's second use (a fresh browser profile): the store remembered the first.
        var reused = await chromium.DumpDomAsync(link);
        Assert.Contains("This sign-in link was already used", reused, StringComparison.Ordinal);

        // The reconnect link travels in events; a stranger who opens it and signs in as themself changes nothing.
        var stranger = _environment.Sandbox.Control.CreateMember();
        _environment.Sandbox.Control.SetAuthorization(AuthorizationDecision.Consent, stranger.Sub);
        var reconnect = _worker.Services.GetRequiredService<IReconnectLinks>().LinkFor("browser-1", "tenant-b")!;
        var refused = await chromium.DumpDomAsync(reconnect);
        await chromium.ScreenshotAsync(reconnect, Screenshot("connect-other-member.png"));

        Assert.Contains("<h1>LinkedIn was not connected</h1>", refused, StringComparison.Ordinal);
        Assert.Contains("different member", refused, StringComparison.Ordinal);
        var after = await _environment.Store.FindAsync("browser-1", Cancel);
        Assert.Equal((stored.Version, stored.MemberUrn), (after!.Version, after.MemberUrn));
        Assert.DoesNotContain(BackendKey, landed + reused + refused, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_written_by_hand_for_a_new_connection_never_reaches_LinkedIn()
    {
        var chromium = Chromium.Require();

        var page = await chromium.DumpDomAsync(new Uri(_workerAddress, "connect/linkedin?connectionId=hand-made&tenantId=tenant-b"));

        Assert.Contains("cannot start a new connection", page, StringComparison.Ordinal);
        Assert.DoesNotContain(_environment.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.AccessToken);
        Assert.Null(await _environment.Store.FindAsync("hand-made", Cancel));
    }

    private async Task<Uri> MintAsync(string connectionId, string tenantId, Uri returnUrl)
    {
        using var backend = new HttpClient { BaseAddress = _workerAddress };
        backend.DefaultRequestHeaders.Add("X-Api-Key", BackendKey);
        using var response = await backend.PostAsJsonAsync("admin/connect-sessions", new { connectionId, tenantId, returnUrl }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new Uri((await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("url").GetString()!);
    }

    private static string Screenshot(string name) => Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots", name);

    // The product's own page the member returns to: shows where it was reached, as the product would read it.
    private static WebApplication ProductPage(Uri address)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(address.ToString().TrimEnd('/'));
        var app = builder.Build();
        app.MapGet("/linkedin/done", (HttpRequest request) => Results.Content(
            $"<!doctype html><html><body><h1>Back in the product</h1><p id=\"landed\">{WebUtility.HtmlEncode(request.Path + request.QueryString)}</p></body></html>",
            "text/html; charset=utf-8"));
        return app;
    }
}
