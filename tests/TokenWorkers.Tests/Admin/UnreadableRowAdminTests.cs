using System.Net;
using System.Text.Json;
using TokenWorkers.Connections;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Admin;

/// <summary>
/// A row that cannot be read, sorting first, against the operator's views and the readiness check over real HTTP:
/// each shows the row flagged with its reason and goes on with every other connection.
/// </summary>
public sealed class UnreadableRowAdminTests : IAsyncLifetime
{
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-unreadable-").FullName;
    private TestWorker _worker = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _worker = await TestWorker.StartAsync(_dataDirectory, "admin-1", new Dictionary<string, string> { ["admin-1"] = Key });

    public async ValueTask DisposeAsync()
    {
        await _worker.DisposeAsync();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Theory]
    [MemberData(nameof(SqliteBadRows.All), MemberType = typeof(SqliteBadRows))]
    public async Task The_admin_list_shows_a_bad_row_flagged_with_its_reason_and_every_other_connection(BadRow bad)
    {
        await SeedAsync("a-bad", "b-good", "c-good");
        await SqliteBadRows.BreakAsync(_worker.DatabasePath, "a-bad", bad);

        using var response = await _worker.Http.GetAsync(new Uri("admin/connections", UriKind.Relative), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(["b-good", "c-good"], json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("connectionId").GetString()));
        var flagged = Assert.Single(json.RootElement.GetProperty("unreadable").EnumerateArray());
        Assert.Equal("a-bad", flagged.GetProperty("connectionId").GetString());
        Assert.Equal(UnreadableRowTests.ExpectedReason(bad), flagged.GetProperty("reason").GetString());
        Assert.False(string.IsNullOrWhiteSpace(flagged.GetProperty("message").GetString()));
        AssertNoToken(body);
    }

    [Theory]
    [MemberData(nameof(SqliteBadRows.All), MemberType = typeof(SqliteBadRows))]
    public async Task A_bad_row_asked_for_by_id_answers_with_its_reason_instead_of_failing(BadRow bad)
    {
        await SeedAsync("a-bad");
        await SqliteBadRows.BreakAsync(_worker.DatabasePath, "a-bad", bad);

        using var api = await _worker.Http.GetAsync(new Uri("admin/connections/a-bad", UriKind.Relative), Cancel);
        using var page = await _worker.Http.GetAsync(new Uri("admin/status/connections/a-bad", UriKind.Relative), Cancel);
        var apiBody = await api.Content.ReadAsStringAsync(Cancel);
        var pageBody = await page.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.Conflict, api.StatusCode);
        Assert.Contains(UnreadableRowTests.ExpectedReason(bad), apiBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains($"id=\"unreadable\" data-reason=\"{UnreadableRowTests.ExpectedReason(bad)}\"", pageBody, StringComparison.Ordinal);
        AssertNoToken(apiBody + pageBody);
    }

    [Theory]
    [MemberData(nameof(SqliteBadRows.All), MemberType = typeof(SqliteBadRows))]
    public async Task The_readiness_check_stays_ready_when_the_first_row_is_bad(BadRow bad)
    {
        await SeedAsync("a-bad", "b-good");
        await SqliteBadRows.BreakAsync(_worker.DatabasePath, "a-bad", bad);

        using var response = await _worker.Http.GetAsync(new Uri("health/ready", UriKind.Relative), Cancel);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", json.RootElement.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
    }

    private async Task SeedAsync(params string[] ids)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var id in ids)
        {
            Assert.NotNull(await _worker.Store.TryInsertAsync(new Connection
            {
                ConnectionId = id,
                TenantId = "tenant-unreadable",
                AccessToken = new SecretToken($"AQV-access-token-of-{id}"),
                RefreshToken = new SecretToken($"AQX-refresh-token-of-{id}"),
                AccessTokenExpiresAt = now.AddDays(40),
                RefreshTokenExpiresAt = now.AddDays(300),
                NextRefreshAt = now.AddDays(30),
                CreatedAt = now,
            }, Cancel));
        }
    }

    private static void AssertNoToken(string body)
    {
        Assert.DoesNotContain("AQV-access-token-of-", body, StringComparison.Ordinal);
        Assert.DoesNotContain("AQX-refresh-token-of-", body, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, body, StringComparison.Ordinal);
    }
}
