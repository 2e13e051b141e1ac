using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Hosting;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Admin;

/// <summary>
/// The status page as a person sees it: the worker's real host, the page loaded by headless Chromium (Debian's
/// <c>chromium</c>, installed by .ci/run) with the admin key as the Basic password, checked on the DOM Chromium
/// built, and a screenshot kept in <c>artifacts/screenshots/</c>.
/// </summary>
public sealed partial class StatusPageBrowserTests : IAsyncLifetime
{
    private const string ApiKey = "status-page-key-0123456789abcdef";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-status-").FullName;
    private WebApplication _app = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{FreePorts.Next()}",
            ["LinkedIn:ClientId"] = "tw-status",
            ["LinkedIn:ClientSecret"] = "tw-status-secret",
            ["LinkedIn:Apps:marketing:ClientId"] = "tw-status-marketing",
            ["LinkedIn:Apps:marketing:ClientSecret"] = "tw-status-marketing-secret",
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Encryption:ActiveKeyId"] = "status-1",
            ["Encryption:Keys:status-1"] = Convert.ToBase64String(new byte[32]),
            ["Refresh:ScanInterval"] = "01:00:00",
            ["Admin:Enabled"] = "true",
            ["Admin:ApiKey"] = ApiKey,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        builder.AddTokenWorkers();
        _app = builder.Build();
        _app.MapTokenWorkersEndpoints();
        await _app.StartAsync(Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Chromium_shows_one_row_per_connection_coloured_by_health_and_the_fleet_deadlines()
    {
        var chromium = Chromium.Require();
        var now = DateTimeOffset.UtcNow;
        var store = _app.Services.GetRequiredService<IConnectionStore>();
        Connection[] fleet =
        [
            Stored("st-healthy", now.AddDays(40), now.AddDays(300)),
            Stored("st-expiring", now.AddDays(20), now.AddDays(9)) with { AccessTokenExpiresAt = now.AddDays(9) },
            Stored("st-failing", now.AddDays(3), now.AddDays(200)) with
            {
                FailureCount = 2,
                LastFailure = new ConnectionFailure(FailureClass.Transient, null, "LinkedIn answered 503", now.AddMinutes(-3)),
            },
            Stored("st-dead", now.AddDays(-1), now.AddDays(100)) with
            {
                Status = ConnectionStatus.ReauthRequired,
                LastFailure = new ConnectionFailure(FailureClass.Reauth, "invalid_request", "revoked", now.AddHours(-2)),
            },
            Stored("st-gone", now.AddDays(30), now.AddDays(30)) with
            {
                Status = ConnectionStatus.Disconnected, AccessToken = null, RefreshToken = null, AccessTokenExpiresAt = null, RefreshTokenExpiresAt = null,
            },
        ];
        foreach (var connection in fleet)
        {
            Assert.NotNull(await store.TryInsertAsync(connection, Cancel));
        }

        var address = new Uri(Address());
        var page = new UriBuilder(address) { UserName = "ops", Password = ApiKey, Path = "admin/status" }.Uri;
        var dom = await chromium.DumpDomAsync(page);
        var screenshot = Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots", "status-page-health.png");
        await chromium.ScreenshotAsync(page, screenshot);

        Assert.Contains("<h1>TokenWorkers fleet</h1>", dom, StringComparison.Ordinal);
        var rows = RowPattern().Matches(dom).Select(m => (m.Groups["id"].Value, m.Groups["health"].Value)).ToArray();
        Assert.Equal(
            [("st-dead", "Dead"), ("st-expiring", "ExpiringSoon"), ("st-failing", "Failing"), ("st-gone", "Disconnected"), ("st-healthy", "Healthy")],
            rows);
        // The fleet's next deadlines come from active connections only: st-failing's token, st-expiring's hard end.
        Assert.Equal(Stored(fleet[2].AccessTokenExpiresAt!.Value), DeadlineIn(dom, "next-access-expiry"));
        Assert.Equal(Stored(fleet[1].RefreshTokenExpiresAt!.Value), DeadlineIn(dom, "next-refresh-end"));
        Assert.Matches("data-status=\"Active\" data-count=\"3\"", dom);
        Assert.Matches("data-status=\"ReauthRequired\" data-count=\"1\"", dom);
        // Every connection holding tokens has both lifetime bars; the disconnected one has none.
        Assert.Equal(4, Regex.Count(dom, "class=\"seg access\"", RegexOptions.None, TimeSpan.FromSeconds(1)));
        Assert.Equal(4, Regex.Count(dom, "class=\"seg refresh\"", RegexOptions.None, TimeSpan.FromSeconds(1)));
        Assert.False(dom.Contains(ApiKey, StringComparison.Ordinal), "The admin key appeared in the page.");

        var png = await File.ReadAllBytesAsync(screenshot, Cancel);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        Assert.True(png.Length > 10_000, $"The screenshot is {png.Length} bytes: too small to show the page.");

        // The row's link leads to the connection's own page, with its failure and its (here empty) timeline.
        var detail = new UriBuilder(address) { UserName = "ops", Password = ApiKey, Path = "admin/status/connections/st-dead" }.Uri;
        var detailDom = await chromium.DumpDomAsync(detail);
        await chromium.ScreenshotAsync(detail, Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots", "status-connection.png"));
        Assert.Contains("href=\"status/connections/st-dead\"", dom, StringComparison.Ordinal);
        Assert.Contains("id=\"health\">Dead</span>", detailDom, StringComparison.Ordinal);
        Assert.Contains("<code>invalid_request</code>", detailDom, StringComparison.Ordinal);
        Assert.Contains("id=\"no-attempts\"", detailDom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chromium_shows_the_deadline_waves_the_refresh_outcomes_and_a_filtered_page()
    {
        var chromium = Chromium.Require();
        var now = DateTimeOffset.UtcNow;
        var store = _app.Services.GetRequiredService<IConnectionStore>();
        // Two waves of access-token expiries (days 10 and 40), each spread over four days by jitter; six refresh tokens end
        // within the window; every connection refreshed two hours ago, every third failed transiently five hours ago.
        var fleet = Enumerable.Range(0, 48).Select(i =>
        {
            var wave = i % 2 == 0 ? 10 : 40;
            var access = now.AddDays(wave + (i / 2 % 4)).AddHours(i % 5);
            var end = i % 8 == 0 ? now.AddDays(20 + (i / 2)) : now.AddDays(200 + i);
            return Stored($"wave-{i:D2}", access, end) with
            {
                TenantId = i < 24 ? "tenant-a" : "tenant-b",
                FailureCount = i % 6 == 1 ? 1 : 0,
                Attempts = i % 3 == 0
                    ?
                    [
                        new RefreshAttempt(now.AddHours(-5), AttemptTrigger.Scheduled, AttemptOutcome.Transient, null, 1),
                        new RefreshAttempt(now.AddHours(-2), AttemptTrigger.Scheduled, AttemptOutcome.Refreshed, null, 2),
                    ]
                    : [new RefreshAttempt(now.AddHours(-2), AttemptTrigger.Scheduled, AttemptOutcome.Refreshed, null, 2)],
            };
        }).ToArray();
        foreach (var connection in fleet)
        {
            Assert.NotNull(await store.TryInsertAsync(connection, Cancel));
        }

        var address = new Uri(Address());
        var page = new UriBuilder(address) { UserName = "ops", Password = ApiKey, Path = "admin/status" }.Uri;
        var dom = await chromium.DumpDomAsync(page);
        var screenshot = Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots", "status-page.png");
        await chromium.ScreenshotAsync(page, screenshot);

        // The deadline chart: 60 days, every seeded expiry counted once, the waves spread over several days each.
        var days = DayPattern().Matches(dom).Select(m => (Access: int.Parse(m.Groups["access"].Value, CultureInfo.InvariantCulture),
            Ends: int.Parse(m.Groups["ends"].Value, CultureInfo.InvariantCulture))).ToArray();
        Assert.Equal(60, days.Length);
        Assert.Equal(48, days.Sum(d => d.Access));
        Assert.Equal(6, days.Sum(d => d.Ends));
        Assert.InRange(days.Count(d => d.Access > 0), 8, 10);
        Assert.True(Regex.Count(dom, "<rect class=\"expiry\"", RegexOptions.None, TimeSpan.FromSeconds(1)) >= 8, "No bars drawn for the expiries.");
        Assert.Contains("aria-labelledby=\"deadline-title deadline-desc\"", dom, StringComparison.Ordinal);
        Assert.Contains("<desc id=\"deadline-desc\">48 access-token expiries and 6 refresh-token hard ends", dom, StringComparison.Ordinal);

        // The outcome chart: 48 refreshed and 16 transient failures, in the hours they happened.
        var hours = HourPattern().Matches(dom).Select(m => (Refreshed: int.Parse(m.Groups["refreshed"].Value, CultureInfo.InvariantCulture),
            Transient: int.Parse(m.Groups["transient"].Value, CultureInfo.InvariantCulture))).ToArray();
        Assert.Equal(24, hours.Length);
        Assert.Equal(48, hours.Sum(h => h.Refreshed));
        Assert.Equal(16, hours.Sum(h => h.Transient));
        Assert.Equal(2, hours.Count(h => h.Refreshed + h.Transient > 0));

        // The filters: a form with every health and, with two apps configured, each app; every row on the unfiltered page.
        Assert.Contains("<form id=\"filters\" method=\"get\" action=\"status\">", dom, StringComparison.Ordinal);
        Assert.Equal(6 + 3, Regex.Count(dom, "<option value=\"[A-Za-z]*\"", RegexOptions.None, TimeSpan.FromSeconds(1)));
        Assert.Equal(48, RowPattern().Count(dom));

        var filtered = new UriBuilder(address) { UserName = "ops", Password = ApiKey, Path = "admin/status", Query = "tenant=tenant-b&health=Failing" }.Uri;
        var filteredDom = await chromium.DumpDomAsync(filtered);
        await chromium.ScreenshotAsync(filtered, Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots", "status-page-filtered.png"));
        var rows = RowPattern().Matches(filteredDom).Select(m => (m.Groups["id"].Value, m.Groups["health"].Value)).ToArray();
        Assert.Equal([("wave-25", "Failing"), ("wave-31", "Failing"), ("wave-37", "Failing"), ("wave-43", "Failing")], rows);
        Assert.Contains("<option value=\"Failing\" selected=\"\">", filteredDom, StringComparison.Ordinal);
        Assert.Contains("name=\"tenant\" maxlength=\"256\" value=\"tenant-b\"", filteredDom, StringComparison.Ordinal);
        Assert.Contains("<figcaption>Deadlines per day, next 60 days, tenant tenant-b</figcaption>", filteredDom, StringComparison.Ordinal);
        Assert.Equal(24, DayPattern().Matches(filteredDom).Sum(m => int.Parse(m.Groups["access"].Value, CultureInfo.InvariantCulture)));

        var png = await File.ReadAllBytesAsync(screenshot, Cancel);
        Assert.True(png.Length > 10_000, $"The screenshot is {png.Length} bytes: too small to show the page.");
    }

    [Fact]
    public async Task Chromium_shows_each_connection_s_app_and_narrows_rows_and_charts_to_the_app_chosen()
    {
        var chromium = Chromium.Require();
        var now = DateTimeOffset.UtcNow;
        var store = _app.Services.GetRequiredService<IConnectionStore>();
        for (var i = 1; i <= 6; i++)
        {
            Assert.NotNull(await store.TryInsertAsync(
                Stored($"ap-{i}", now.AddDays(5 + i), now.AddDays(300)) with
                {
                    App = i % 2 == 0 ? "marketing" : Connection.DefaultApp,
                    Attempts = [new RefreshAttempt(now.AddHours(-i), AttemptTrigger.Scheduled, AttemptOutcome.Refreshed, null, 2)],
                },
                Cancel));
        }

        var address = new Uri(Address());
        var all = await chromium.DumpDomAsync(new UriBuilder(address) { UserName = "ops", Password = ApiKey, Path = "admin/status" }.Uri);
        var marketing = new UriBuilder(address) { UserName = "ops", Password = ApiKey, Path = "admin/status", Query = "app=marketing" }.Uri;
        var dom = await chromium.DumpDomAsync(marketing);
        await chromium.ScreenshotAsync(marketing, Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots", "status-page-app.png"));

        Assert.Equal(3, Regex.Count(all, "<td class=\"app\">default</td>", RegexOptions.None, TimeSpan.FromSeconds(1)));
        Assert.Equal(3, Regex.Count(all, "<td class=\"app\">marketing</td>", RegexOptions.None, TimeSpan.FromSeconds(1)));
        Assert.Contains("<select name=\"app\"><option value=\"\">any</option><option value=\"default\">default</option>", all, StringComparison.Ordinal);
        Assert.Equal(["ap-2", "ap-4", "ap-6"], RowPattern().Matches(dom).Select(m => m.Groups["id"].Value));
        Assert.Contains("<option value=\"marketing\" selected=\"\">marketing</option>", dom, StringComparison.Ordinal);
        Assert.Contains("<figcaption>Deadlines per day, next 60 days, app marketing</figcaption>", dom, StringComparison.Ordinal);
        Assert.Equal(3, DayPattern().Matches(dom).Sum(m => int.Parse(m.Groups["access"].Value, CultureInfo.InvariantCulture)));
        Assert.Equal(3, HourPattern().Matches(dom).Sum(m => int.Parse(m.Groups["refreshed"].Value, CultureInfo.InvariantCulture)));
        Assert.Contains("id=\"clear-filters\"", dom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_escapes_what_it_is_given_refuses_a_bad_filter_and_allows_no_script()
    {
        var store = _app.Services.GetRequiredService<IConnectionStore>();
        var now = DateTimeOffset.UtcNow;
        Assert.NotNull(await store.TryInsertAsync(
            Stored("<img src=x onerror=alert(1)>", now.AddDays(5), now.AddDays(50)) with { TenantId = "\"><script>alert(2)</script>" }, Cancel));
        using var client = new HttpClient { BaseAddress = new Uri(Address()) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"ops:{ApiKey}")));

        using var page = await client.GetAsync(new Uri("admin/status?tenant=" + Uri.EscapeDataString("\"><script>alert(2)</script>"), UriKind.Relative), Cancel);
        var html = await page.Content.ReadAsStringAsync(Cancel);
        using var bad = await client.GetAsync(new Uri("admin/status?health=Sick", UriKind.Relative), Cancel);

        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("value=\"&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;\"", html, StringComparison.Ordinal);
        Assert.Matches("data-connection-id=\"&lt;img", html);
        var policy = string.Join(";", page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("parameter must be one of Healthy", await bad.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SqliteBadRows.All), MemberType = typeof(SqliteBadRows))]
    public async Task Chromium_shows_a_bad_row_flagged_with_its_reason_among_every_other_row(BadRow bad)
    {
        var chromium = Chromium.Require();
        var now = DateTimeOffset.UtcNow;
        var store = _app.Services.GetRequiredService<IConnectionStore>();
        foreach (var id in new[] { "st-a-bad", "st-b-good", "st-c-good" })
        {
            Assert.NotNull(await store.TryInsertAsync(Stored(id, now.AddDays(40), now.AddDays(300)), Cancel));
        }

        await SqliteBadRows.BreakAsync(Path.Combine(_dataDirectory, SqliteConnectionStore.FileName), "st-a-bad", bad);

        var page = new UriBuilder(new Uri(Address())) { UserName = "ops", Password = ApiKey, Path = "admin/status" }.Uri;
        var dom = await chromium.DumpDomAsync(page);
        await chromium.ScreenshotAsync(page, Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots", $"status-page-unreadable-{bad}.png"));

        var rows = RowPattern().Matches(dom).Select(m => (m.Groups["id"].Value, m.Groups["health"].Value)).ToArray();
        Assert.Equal([("st-a-bad", "Unreadable"), ("st-b-good", "Healthy"), ("st-c-good", "Healthy")], rows);
        Assert.Contains($"data-reason=\"{Pipeline.UnreadableRowTests.ExpectedReason(bad)}\"", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("st-a-bad-access-token", dom, StringComparison.Ordinal);
        Assert.DoesNotContain("st-a-bad-refresh-token", dom, StringComparison.Ordinal);
    }

    private static Connection Stored(string id, DateTimeOffset accessExpiry, DateTimeOffset refreshEnd) => new()
    {
        ConnectionId = id,
        TenantId = "tenant-status",
        MemberUrn = $"urn:li:person:{id}",
        AccessToken = new SecretToken($"{id}-access-token"),
        RefreshToken = new SecretToken($"{id}-refresh-token"),
        AccessTokenExpiresAt = accessExpiry,
        RefreshTokenExpiresAt = refreshEnd,
        NextRefreshAt = DateTimeOffset.UtcNow.AddDays(30),
        CreatedAt = refreshEnd.AddDays(-365),
        LastRefreshedAt = accessExpiry.AddDays(-60),
    };

    private static DateTimeOffset Stored(DateTimeOffset value) => value.ToStoredPrecision();

    private static DateTimeOffset DeadlineIn(string dom, string id)
    {
        var match = Regex.Match(dom, $"id=\"{id}\"><span>[^<]*</span><b data-at=\"(?<at>[^\"]+)\"", RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.True(match.Success, $"No deadline #{id} in the page");
        return DateTimeOffset.Parse(match.Groups["at"].Value, CultureInfo.InvariantCulture);
    }

    private string Address() =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    [GeneratedRegex("<g class=\"day\" data-day=\"[0-9-]+\" data-access=\"(?<access>[0-9]+)\" data-ends=\"(?<ends>[0-9]+)\"")]
    private static partial Regex DayPattern();

    [GeneratedRegex("<g class=\"hour\" data-hour=\"[0-9TZ:-]+\" data-refreshed=\"(?<refreshed>[0-9]+)\" data-rejected=\"[0-9]+\" data-transient=\"(?<transient>[0-9]+)\"")]
    private static partial Regex HourPattern();

    [GeneratedRegex("<tr class=\"connection [A-Za-z]+\" data-connection-id=\"(?<id>[^\"]+)\" data-health=\"(?<health>[A-Za-z]+)\"")]
    private static partial Regex RowPattern();
}

/// <summary>Debian's headless Chromium, driven by its command line.</summary>
internal sealed partial class Chromium(string path)
{
    private const string NotInstalled = "Chromium is not installed (apt-get install -y chromium); the status page cannot be rendered";

    /// <summary>The browser, or a skip (a failure under TOKENWORKERS_REQUIRE_CHROMIUM=1, as in CI).</summary>
    public static Chromium Require()
    {
        var found = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);
        if (found is not null)
        {
            return new Chromium(found);
        }

        if (Environment.GetEnvironmentVariable("TOKENWORKERS_REQUIRE_CHROMIUM") == "1")
        {
            Assert.Fail(NotInstalled + " (TOKENWORKERS_REQUIRE_CHROMIUM=1 forbids skipping)");
        }

        Assert.Skip(NotInstalled);
        return null!;
    }

    public async Task<string> DumpDomAsync(Uri page) => await RunAsync("--dump-dom", page.AbsoluteUri);

    public async Task ScreenshotAsync(Uri page, string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.Delete(file);
        await RunAsync($"--screenshot={file}", "--window-size=1400,700", page.AbsoluteUri);
        Assert.True(File.Exists(file), $"Chromium wrote no screenshot to {file}");
    }

    [GeneratedRegex("//[^/@\\s]*@")]
    private static partial Regex Credentials();

    private async Task<string> RunAsync(params string[] arguments)
    {
        var profile = Directory.CreateTempSubdirectory("tokenworkers-chromium-");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Root in a container cannot use Chromium's sandbox; the page is our own.
        foreach (var argument in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", $"--user-data-dir={profile.FullName}" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            // The page address carries the admin key as its password: never let it reach the test output.
            Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}: {Credentials().Replace(await errors, "//***@")}");
            return await output;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}
