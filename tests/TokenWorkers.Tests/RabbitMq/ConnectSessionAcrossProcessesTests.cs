using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// "A connect session's link works once, across all instances": two worker processes (the built worker) on one store,
/// browsers opening the same links at both at once. The store decides, not an instance's memory.
/// </summary>
public sealed class ConnectSessionAcrossProcessesTests
{
    private const string BackendKey = "backend-key-SENTINEL-2c4e6a8b0d1f3a5c";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_link_opened_at_two_processes_at_once_starts_exactly_one_flow()
    {
        await using var environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        var settings = environment.WorkerSettings(new Dictionary<string, string?>
        {
            ["Connect:Enabled"] = "true",
            // Where browsers reach the instances (a load balancer); each test request goes to one process directly.
            ["Connect:PublicBaseUrl"] = "https://tw.example/",
            ["Connect:StateKey"] = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 17)).ToArray()),
            ["Admin:Enabled"] = "true",
            ["Admin:Keys:0:Name"] = "backend",
            ["Admin:Keys:0:Key"] = BackendKey,
            ["Admin:Keys:0:Scopes:0"] = "connect",
            ["Refresh:ScanInterval"] = "01:00:00",
        });
        await using var workers = await WorkerProcesses.StartAsync([settings, settings], Cancel);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };

        const int links = 10;
        var results = new List<HttpStatusCode[]>();
        for (var i = 0; i < links; i++)
        {
            // Minted at one instance, opened at both.
            var session = await MintAsync(browser, workers[i % 2].BaseAddress, $"across-{i}");
            var opens = Enumerable.Range(0, 4).Select(async n =>
            {
                using var response = await browser.GetAsync(new Uri(workers[n % 2].BaseAddress, "connect/linkedin" + session.Query), Cancel);
                return response.StatusCode;
            });
            results.Add(await Task.WhenAll(opens));
        }

        Assert.All(results, opened =>
        {
            Assert.Single(opened, s => s == HttpStatusCode.Redirect);
            Assert.Equal(3, opened.Count(s => s == HttpStatusCode.BadRequest));
        });
        Assert.All(workers.All, w => Assert.False(w.HasExited, w.Output));
        Assert.DoesNotContain(BackendKey, string.Concat(workers.All.Select(w => w.Output)), StringComparison.Ordinal);
    }

    private static async Task<Uri> MintAsync(HttpClient client, Uri worker, string connectionId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(worker, "admin/connect-sessions"))
        {
            Content = JsonContent.Create(new { connectionId, tenantId = "t" }),
        };
        request.Headers.Add("X-Api-Key", BackendKey);
        using var response = await client.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new Uri((await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("url").GetString()!);
    }
}
