using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;
using TokenWorkers.Refresh;

namespace TokenWorkers.Demo;

/// <summary>
/// Creates the demo fleet through the sandbox's control surface and stores it, with lifetimes placed
/// so that every kind of event happens within the first minute: a refresh, a rotation-free refresh
/// near a hard end, a revoked grant, a transient failure that recovers, and two connections from an
/// app without programmatic refresh counting down to their deadline. The page poster's grant (demo-alice's) also
/// carries <c>w_organization_social</c>, and she is the APPROVED ADMINISTRATOR of the demo's Company Page.
/// </summary>
public sealed partial class DemoSeeder(
    IHttpClientFactory httpClients,
    IConnectionStore store,
    RefreshSchedule schedule,
    TimeProvider time,
    IOptions<DemoOptions> demo,
    IOptions<LinkedInOptions> linkedIn,
    ILogger<DemoSeeder> logger) : IHostedService
{
    public const string SelfServeClientId = "tokenworkers-demo-selfserve";
    private static readonly string[] Scopes = ["openid", "profile", "email", "w_member_social"];
    private static readonly string[] RedirectUris = ["http://127.0.0.1:5070/connect/linkedin/callback"];

    private static readonly string[] PageScopes = [.. Scopes, "w_organization_social"];

    private sealed record DemoConnection(string Id, string Name, bool Refreshable, TimeSpan AccessLeft, TimeSpan? HardEndLeft, string? Trouble);

    private static readonly DemoConnection[] Fleet =
    [
        new("demo-alice", "Alice Active", true, TimeSpan.FromDays(8), TimeSpan.FromDays(300), null),
        new("demo-bob", "Bob Bounded", true, TimeSpan.FromDays(5), TimeSpan.FromDays(25), null),
        new("demo-carol", "Carol Revoked", true, TimeSpan.FromDays(4), TimeSpan.FromDays(200), "revoke"),
        new("demo-frank", "Frank Flaky", true, TimeSpan.FromDays(3), TimeSpan.FromDays(250), "503"),
        new("demo-dave", "Dave Selfserve", false, TimeSpan.FromDays(6), null, null),
        new("demo-erin", "Erin Expiring", false, TimeSpan.FromSeconds(45), null, null),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var sandbox = httpClients.CreateClient(nameof(DemoSeeder));
        sandbox.BaseAddress = new Uri(demo.Value.SandboxUrl, "_sandbox/");
        await EnsureAppsAsync(sandbox, cancellationToken);

        foreach (var planned in Fleet)
        {
            if (await store.FindAsync(planned.Id, cancellationToken) is not null)
            {
                continue;
            }

            await SeedAsync(sandbox, planned, cancellationToken);
        }

        await EnsurePageAsync(sandbox, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task EnsureAppsAsync(HttpClient sandbox, CancellationToken cancellationToken)
    {
        using var response = await sandbox.PostAsJsonAsync("apps", new
        {
            clientId = SelfServeClientId,
            clientSecret = "sandbox-selfserve-secret-NOT-A-REAL-SECRET",
            programmaticRefresh = false,
            redirectUris = RedirectUris,
            allowedScopes = Scopes,
        }, cancellationToken);
        await EnsureSuccessAsync(response, "create the self-serve demo app", cancellationToken);
    }

    /// <summary>
    /// The Company Page and its poster's role, given on every start (both are idempotent in the sandbox), so a demo restarted
    /// against a running sandbox still finds them.
    /// </summary>
    private async Task EnsurePageAsync(HttpClient sandbox, CancellationToken cancellationToken)
    {
        const string poster = DemoPosts.PagePoster;
        const string PersonPrefix = "urn:li:person:";
        if ((await store.FindAsync(poster, cancellationToken))?.MemberUrn is not { } urn || !urn.StartsWith(PersonPrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The demo's page poster {poster} has no member URN");
        }

        using var page = await sandbox.PostAsJsonAsync("organizations", new { id = DemoPosts.PageId, name = DemoPosts.PageName }, cancellationToken);
        await EnsureSuccessAsync(page, "create the demo Company Page", cancellationToken);
        using var role = await sandbox.PostAsJsonAsync($"organizations/{DemoPosts.PageId}/roles",
            new { memberSub = urn[PersonPrefix.Length..], role = "ADMINISTRATOR", state = "APPROVED" }, cancellationToken);
        await EnsureSuccessAsync(role, "give the demo page poster a role", cancellationToken);
        LogPage(logger, DemoPosts.PageUrn, DemoPosts.PageName, poster);
    }

    private async Task SeedAsync(HttpClient sandbox, DemoConnection planned, CancellationToken cancellationToken)
    {
        using var memberResponse = await sandbox.PostAsJsonAsync("members", new { name = planned.Name }, cancellationToken);
        await EnsureSuccessAsync(memberResponse, "create a demo member", cancellationToken);
        var member = await memberResponse.Content.ReadFromJsonAsync<MemberView>(cancellationToken)
                     ?? throw new InvalidOperationException("The sandbox returned no member");

        var clientId = planned.Refreshable ? linkedIn.Value.ClientId : SelfServeClientId;
        using var grantResponse = await sandbox.PostAsJsonAsync("grants", new { clientId, memberSub = member.Sub, scopes = planned.Id == DemoPosts.PagePoster ? PageScopes : Scopes }, cancellationToken);
        await EnsureSuccessAsync(grantResponse, "seed a demo grant", cancellationToken);
        var now = time.GetUtcNow();
        var body = await grantResponse.Content.ReadAsStringAsync(cancellationToken);
        if (TokenResponseReader.Read(grantResponse.StatusCode, body, now) is not TokenGranted granted)
        {
            throw new InvalidOperationException("The sandbox's seeded grant is not a token response");
        }

        // Place the lifetimes near their deadlines so the demo shows a whole life in a minute.
        var connection = NewConnections.FromGrant(planned.Id, "demo-tenant", granted.ToGrant(), schedule, now, $"urn:li:person:{member.Sub}") with
        {
            AccessTokenExpiresAt = now + planned.AccessLeft,
            RefreshTokenExpiresAt = planned.HardEndLeft is { } left && granted.RefreshToken is not null ? now + left : null,
        };
        connection = connection with { NextRefreshAt = schedule.NextCheckAt(connection, now) };
        await store.TryInsertAsync(connection, cancellationToken);

        var grantId = System.Text.Json.JsonDocument.Parse(body).RootElement.TryGetProperty("grant_id", out var id) ? id.GetString() : null;
        switch (planned.Trouble)
        {
            case "revoke" when grantId is not null:
                using (var revoke = await sandbox.PostAsync($"grants/{grantId}/revoke", null, cancellationToken))
                {
                    await EnsureSuccessAsync(revoke, "revoke a demo grant", cancellationToken);
                }

                break;
            case "503":
                using (var fault = await sandbox.PostAsJsonAsync("faults", new { endpoint = "accessToken", fault = "503", count = 1 }, cancellationToken))
                {
                    await EnsureSuccessAsync(fault, "inject a demo fault", cancellationToken);
                }

                break;
        }

        LogSeeded(logger, planned.Id, planned.Name, connection.AccessTokenExpiresAt, connection.RefreshTokenExpiresAt, planned.Trouble ?? "none");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"The sandbox refused to {what}: HTTP {(int)response.StatusCode} {body}");
        }
    }

    private sealed record MemberView(string Sub, string? Name);

    [LoggerMessage(EventId = 900, Level = LogLevel.Information,
        Message = "Demo: seeded {ConnectionId} ({Name}); access token expires {AccessTokenExpiresAt:o}, refresh token ends {RefreshTokenExpiresAt:o}; trouble: {Trouble}")]
    private static partial void LogSeeded(ILogger logger, string connectionId, string name, DateTimeOffset? accessTokenExpiresAt, DateTimeOffset? refreshTokenExpiresAt, string trouble);

    [LoggerMessage(EventId = 901, Level = LogLevel.Information,
        Message = "Demo: seeded Company Page {Organization} ({Name}); {ConnectionId}'s member is its APPROVED ADMINISTRATOR and may post for it")]
    private static partial void LogPage(ILogger logger, string organization, string name, string connectionId);
}
