using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using TokenWorkers.Admin;
using TokenWorkers.LinkedIn;
using TokenWorkers.Proxy;
using TokenWorkers.Storage;

namespace TokenWorkers.Demo;

/// <summary>
/// What a team adopting TokenWorkers does on its first day, done by the demo once the worker listens: connections its old
/// refresh job holds are written to an NDJSON file (three granted by the sandbox, and one line that is not JSON), the file
/// is imported through <c>POST /admin/connections/import</c>, and another service reads one imported member's
/// <c>userinfo</c> through the proxy without ever holding the token. Both calls go over HTTP to the worker's own listener
/// with the admin key, exactly as the README's commands do.
/// </summary>
public sealed partial class DemoImporter(
    IHttpClientFactory httpClients,
    IServer server,
    IHostApplicationLifetime lifetime,
    IOptions<DemoOptions> demo,
    IOptions<LinkedInOptions> linkedIn,
    IOptions<AdminOptions> admin,
    IOptions<ProxyOptions> proxy,
    IOptions<StorageOptions> storage,
    ILogger<DemoImporter> logger) : BackgroundService
{
    public const string FileName = "demo-import.ndjson";
    public const string ProxiedConnectionId = "demo-imported-1";
    private static readonly string[] Members = ["Ida Imported", "Ivan Imported", "Iris Imported"];
    private static readonly string[] Scopes = ["openid", "profile", "email", "w_member_social"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        if (!admin.Value.Enabled || string.IsNullOrEmpty(admin.Value.ApiKey))
        {
            LogSkipped(logger, "Admin:Enabled and Admin:ApiKey");
            return;
        }

        try
        {
            var file = await WriteImportFileAsync(stoppingToken);
            using var worker = WorkerClient();
            await ImportAsync(worker, file, stoppingToken);
            if (proxy.Value.Enabled)
            {
                await ProxyUserInfoAsync(worker, stoppingToken);
            }
            else
            {
                LogSkipped(logger, "Proxy:Enabled");
            }
        }
        // Whatever the sandbox or the worker answers (a field missing, a status not expected), the demo logs it and the host
        // goes on: an exception out of a hosted service would stop the whole demo.
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(logger, ex.Message);
        }
    }

    /// <summary>The file an earlier system would export: one connection per line, with its tokens.</summary>
    private async Task<string> WriteImportFileAsync(CancellationToken cancellationToken)
    {
        using var sandbox = httpClients.CreateClient(nameof(DemoImporter));
        sandbox.BaseAddress = new Uri(demo.Value.SandboxUrl, "_sandbox/");
        var lines = new List<string>();
        for (var i = 0; i < Members.Length; i++)
        {
            using var memberResponse = await sandbox.PostAsJsonAsync("members", new { name = Members[i] }, cancellationToken);
            memberResponse.EnsureSuccessStatusCode();
            var member = await memberResponse.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            using var grantResponse = await sandbox.PostAsJsonAsync("grants",
                new { clientId = linkedIn.Value.ClientId, memberSub = member.GetProperty("sub").GetString(), scopes = Scopes }, cancellationToken);
            grantResponse.EnsureSuccessStatusCode();
            var grant = await grantResponse.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            lines.Add(JsonSerializer.Serialize(new
            {
                connectionId = $"demo-imported-{i + 1}",
                tenantId = "demo-tenant",
                accessToken = grant.GetProperty("access_token").GetString(),
                refreshToken = grant.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            }));
        }

        // What a hand-written export gets wrong sometimes: the import reports it and goes on with the rest.
        lines.Add("{\"connectionId\": \"demo-broken\", \"tenantId\": ");
        var path = Path.Combine(Path.GetFullPath(storage.Value.DataDirectory), FileName);
        await File.WriteAllLinesAsync(path, lines, cancellationToken);
        return path;
    }

    private async Task ImportAsync(HttpClient worker, string file, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(file, cancellationToken));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await worker.PostAsync(new Uri("admin/connections/import", UriKind.Relative), content, cancellationToken);
        var answer = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"the import answered {(int)response.StatusCode}");
        }

        foreach (var line in answer.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var result = JsonDocument.Parse(line);
            if (result.RootElement.TryGetProperty("summary", out var summary))
            {
                var (imported, unchanged, rejected) = (summary.GetProperty("imported").GetInt32(), summary.GetProperty("unchanged").GetInt32(),
                    summary.GetProperty("rejected").GetInt32());
                LogImported(logger, file, imported, unchanged, rejected);
            }
            else if (result.RootElement.GetProperty("result").GetString() == "rejected")
            {
                var (number, reason) = (result.RootElement.GetProperty("line").GetInt32(), result.RootElement.GetProperty("reason").GetString());
                LogRejected(logger, number, reason);
            }
        }
    }

    private async Task ProxyUserInfoAsync(HttpClient worker, CancellationToken cancellationToken)
    {
        using var response = await worker.GetAsync(new Uri($"proxy/linkedin/{ProxiedConnectionId}/v2/userinfo", UriKind.Relative), cancellationToken);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var name = response.IsSuccessStatusCode && body.TryGetProperty("name", out var n) ? n.GetString() : null;
        LogProxied(logger, ProxiedConnectionId, (int)response.StatusCode, name ?? "(no name)");
    }

    private HttpClient WorkerClient()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                      ?? throw new InvalidOperationException("the worker has no HTTP address");
        var client = httpClients.CreateClient(nameof(DemoImporter));
        client.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        client.DefaultRequestHeaders.Add("X-Api-Key", admin.Value.ApiKey);
        return client;
    }

    [LoggerMessage(EventId = 930, Level = LogLevel.Information,
        Message = "Demo: imported {File}: {Imported} imported, {Unchanged} unchanged, {Rejected} rejected (the import file of another system; nobody logged in again)")]
    private static partial void LogImported(ILogger logger, string file, int imported, int unchanged, int rejected);

    [LoggerMessage(EventId = 931, Level = LogLevel.Warning, Message = "Demo: import line {Line} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, int line, string? reason);

    [LoggerMessage(EventId = 932, Level = LogLevel.Information,
        Message = "Demo: another service read {ConnectionId}'s userinfo through the proxy without its token: HTTP {Status}, name {Name}")]
    private static partial void LogProxied(ILogger logger, string connectionId, int status, string name);

    [LoggerMessage(EventId = 933, Level = LogLevel.Information, Message = "Demo: import and proxy skipped: they need {Settings}")]
    private static partial void LogSkipped(ILogger logger, string settings);

    [LoggerMessage(EventId = 934, Level = LogLevel.Warning, Message = "Demo: the import or the proxy call failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
