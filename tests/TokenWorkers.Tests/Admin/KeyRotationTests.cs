using System.Net;
using System.Text.Json;
using TokenWorkers.Connections;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Admin;

/// <summary>
/// Key rotation across a fleet: worker instances with different key rings on one store file, restarted one at a time
/// as a rolling deployment does. The order of docs/key-rotation.md keeps every row readable by every running instance
/// at every step; the re-encryption sweep is what lets the old key go.
/// </summary>
public sealed class KeyRotationTests : IAsyncLifetime
{
    private const string K1 = "k1";
    private const string K2 = "k2";
    private static readonly string Key1 = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i + 1)).ToArray());
    private static readonly string Key2 = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(200 - i)).ToArray());

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-rotation-").FullName;
    private readonly List<string> _rows = [];
    private TestWorker? _a;
    private TestWorker? _b;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        await StopAsync(_a);
        await StopAsync(_b);
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Adding_a_key_everywhere_then_making_it_current_then_reencrypting_then_retiring_the_old_one_keeps_every_row_readable()
    {
        // 1. One instance, one key.
        _a = await StartAsync(K1, K1);
        await SeedAsync(_a, "r-1", "r-2", "r-3");
        await AssertEveryRowReadableAsync(_a);

        // 2. Add k2 everywhere, still writing with k1: the new instance B first, then A restarted.
        _b = await StartAsync(K1, K1, K2);
        await SeedAsync(_b, "r-4");
        await AssertEveryRowReadableAsync(_a, _b);
        _a = await RestartAsync(_a, K1, K1, K2);
        await AssertEveryRowReadableAsync(_a, _b);

        // 3. Make k2 current, one instance at a time: each already holds k2, so each reads what the other writes meanwhile.
        _a = await RestartAsync(_a, K2, K1, K2);
        await SeedAsync(_a, "r-5");
        await AssertEveryRowReadableAsync(_a, _b);
        _b = await RestartAsync(_b, K2, K1, K2);
        await SeedAsync(_b, "r-6");
        await AssertEveryRowReadableAsync(_a, _b);
        Assert.Equal(new Dictionary<string, long> { [K1] = 4, [K2] = 2 }, await KeyUsageAsync(_a));

        // 4. Re-encrypt: the rows still under k1 are rewritten under k2, through the versioned write.
        var versionsBefore = await VersionsAsync(_a);
        using var report = await ReencryptAsync(_a);
        Assert.Equal(4, report.RootElement.GetProperty("reencrypted").GetInt32());
        Assert.Empty(report.RootElement.GetProperty("unreadable").EnumerateArray());
        Assert.Equal(new Dictionary<string, long> { [K2] = 6 }, await KeyUsageAsync(_b));
        var versionsAfter = await VersionsAsync(_a);
        Assert.All(_rows, id => Assert.Equal(versionsBefore[id] + (id is "r-5" or "r-6" ? 0 : 1), versionsAfter[id]));

        // 5. Retire k1, one instance at a time: nothing is stored under it any more.
        _a = await RestartAsync(_a, K2, K2);
        await AssertEveryRowReadableAsync(_a, _b);
        _b = await RestartAsync(_b, K2, K2);
        await AssertEveryRowReadableAsync(_a, _b);
    }

    [Fact]
    public async Task A_key_made_current_before_every_instance_holds_it_isolates_the_new_rows_on_the_others_until_the_key_is_added()
    {
        _a = await StartAsync(K1, K1);
        _b = await StartAsync(K2, K1, K2);
        await SeedAsync(_a, "r-1");
        await SeedAsync(_b, "r-2");

        using (var page = await ListAsync(_a))
        {
            Assert.Equal(["r-1"], page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("connectionId").GetString()));
            var unreadable = Assert.Single(page.RootElement.GetProperty("unreadable").EnumerateArray());
            Assert.Equal("r-2", unreadable.GetProperty("connectionId").GetString());
            Assert.Equal("UnknownKey", unreadable.GetProperty("reason").GetString());
        }

        // The remedy is the rolling order: A gets k2 too, and the re-encryption sweep clears the flag.
        _a = await RestartAsync(_a, K1, K1, K2);
        await AssertEveryRowReadableAsync(_a, _b);
        using var report = await ReencryptAsync(_b);
        Assert.Empty(report.RootElement.GetProperty("unreadable").EnumerateArray());
        using var encryption = await GetJsonAsync(_a, "admin/encryption");
        Assert.Equal(0, encryption.RootElement.GetProperty("unreadable").GetInt64());
    }

    [Fact]
    public async Task The_reencryption_endpoint_refuses_a_request_without_the_admin_key_and_rewrites_nothing()
    {
        _a = await StartAsync(K2, K1, K2);
        await using (var old = await StartAsync(K1, K1))
        {
            await SeedAsync(old, "r-1");
        }

        using var anonymous = new HttpClient { BaseAddress = _a.Address };
        using var response = await anonymous.PostAsync(new Uri("admin/encryption/reencrypt", UriKind.Relative), content: null, Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(1, (await _a.Store.FindAsync("r-1", Cancel))!.Version);
        Assert.Equal(new Dictionary<string, long> { [K1] = 1 }, await KeyUsageAsync(_a));
    }

    private Task<TestWorker> StartAsync(string active, params string[] keyIds) =>
        TestWorker.StartAsync(_dataDirectory, active, keyIds.ToDictionary(id => id, id => id == K1 ? Key1 : Key2));

    private async Task<TestWorker> RestartAsync(TestWorker worker, string active, params string[] keyIds)
    {
        await StopAsync(worker);
        return await StartAsync(active, keyIds);
    }

    private static async Task StopAsync(TestWorker? worker)
    {
        if (worker is not null)
        {
            await worker.DisposeAsync();
        }
    }

    private async Task SeedAsync(TestWorker worker, params string[] ids)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var id in ids)
        {
            _rows.Add(id);
            Assert.NotNull(await worker.Store.TryInsertAsync(new Connection
            {
                ConnectionId = id,
                TenantId = "tenant-rotation",
                AccessToken = AccessToken(id),
                RefreshToken = RefreshToken(id),
                AccessTokenExpiresAt = now.AddDays(40),
                RefreshTokenExpiresAt = now.AddDays(300),
                NextRefreshAt = now.AddDays(30),
                CreatedAt = now,
            }, Cancel));
        }
    }

    /// <summary>Every seeded row decrypts to its own tokens on every instance, and no admin view reports one unreadable.</summary>
    private async Task AssertEveryRowReadableAsync(params TestWorker[] workers)
    {
        foreach (var worker in workers)
        {
            foreach (var id in _rows)
            {
                var connection = await worker.Store.FindAsync(id, Cancel);
                Assert.Equal(AccessToken(id), connection?.AccessToken);
                Assert.Equal(RefreshToken(id), connection?.RefreshToken);
            }

            using var page = await ListAsync(worker);
            Assert.Equal(_rows.Order(StringComparer.Ordinal), page.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("connectionId").GetString()));
            Assert.Empty(page.RootElement.GetProperty("unreadable").EnumerateArray());
        }
    }

    private static async Task<Dictionary<string, long>> KeyUsageAsync(TestWorker worker)
    {
        using var json = await GetJsonAsync(worker, "admin/encryption");
        return json.RootElement.GetProperty("connectionsByKeyId").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
    }

    private async Task<Dictionary<string, long>> VersionsAsync(TestWorker worker)
    {
        var versions = new Dictionary<string, long>();
        foreach (var id in _rows)
        {
            versions[id] = (await worker.Store.FindAsync(id, Cancel))!.Version;
        }

        return versions;
    }

    private static async Task<JsonDocument> ReencryptAsync(TestWorker worker)
    {
        using var response = await worker.Http.PostAsync(new Uri("admin/encryption/reencrypt", UriKind.Relative), content: null, Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    private static Task<JsonDocument> ListAsync(TestWorker worker) => GetJsonAsync(worker, "admin/connections");

    private static async Task<JsonDocument> GetJsonAsync(TestWorker worker, string path)
    {
        using var response = await worker.Http.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    private static SecretToken AccessToken(string id) => new($"AQV-rotation-access-{id}");

    private static SecretToken RefreshToken(string id) => new($"AQX-rotation-refresh-{id}");
}
