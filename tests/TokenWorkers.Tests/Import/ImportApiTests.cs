using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;
using Serilog.Events;
using TokenWorkers.Admin;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.RabbitMq;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Import;

/// <summary>
/// <c>POST /admin/connections/import</c> over real HTTP on the worker's real host, with the sandbox as LinkedIn over sockets,
/// a real SQLite store and another service on a real broker receiving the events. Every response body and every log line is
/// kept and scanned for the tokens sent.
/// </summary>
public sealed partial class ImportApiTests : IAsyncLifetime
{
    private const string AdminKey = "import-admin-SENTINEL-1f2e3d4c5b6a7988";
    private const string ReaderKey = "import-reader-SENTINEL-0a9b8c7d6e5f4321";
    private const string ImporterKey = "import-importer-SENTINEL-77aa66bb55cc44dd";
    private const string OperatorKey = "import-operator-SENTINEL-1234abcd5678ef90";
    private const long MaxBody = 12L * 1024 * 1024;
    private const string ShareClientId = "tw-import-share";
    private const string ShareSecret = "tw-import-share-SENTINEL-secret";

    private readonly ConcurrentQueue<string> _bodies = new();
    private readonly ConcurrentBag<string> _tokens = [];
    private readonly LogText _logs = new();
    private RabbitMqWorkerEnvironment _environment = null!;
    private HttpClient _http = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private SandboxControl Sandbox => _environment.Sandbox.Control;

    public async ValueTask InitializeAsync()
    {
        _environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        Sandbox.CreateApp(ShareClientId, ShareSecret, programmaticRefresh: true);
        var address = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        await _environment.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Urls"] = address.ToString().TrimEnd('/'),
            ["Admin:Enabled"] = "true",
            ["Admin:ApiKey"] = AdminKey,
            ["Admin:Keys:0:Name"] = "reader",
            ["Admin:Keys:0:Key"] = ReaderKey,
            ["Admin:Keys:0:Scopes:0"] = "read",
            ["Admin:Keys:1:Name"] = "importer",
            ["Admin:Keys:1:Key"] = ImporterKey,
            ["Admin:Keys:1:Scopes:0"] = "import",
            ["Admin:Keys:2:Name"] = "operator",
            ["Admin:Keys:2:Key"] = OperatorKey,
            ["Admin:Keys:2:Scopes:0"] = "operate",
            ["Admin:ImportMaxBodyBytes"] = MaxBody.ToString(CultureInfo.InvariantCulture),
            // Nothing refreshes behind the tests' backs: the stored due times are what the import decided.
            ["Refresh:ScanInterval"] = "01:00:00",
            ["Refresh:ImportSpread"] = "01:00:00",
            ["Serilog:MinimumLevel:Default"] = "Debug",
            ["LinkedIn:Apps:share:ClientId"] = ShareClientId,
            ["LinkedIn:Apps:share:ClientSecret"] = ShareSecret,
        }, services => services.AddSingleton<ILogEventSink>(_logs));
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(3) };
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _environment.DisposeAsync();
    }

    [Fact]
    public async Task One_connection_is_imported_learning_expiries_and_member_from_LinkedIn_and_announced_as_imported()
    {
        var (member, grant) = Grant();
        var before = DateTimeOffset.UtcNow;

        var (results, summary) = await ImportAsync(ImporterKey, Line("imp-1", grant));

        Assert.Equal("imported", Assert.Single(results).GetProperty("result").GetString());
        Assert.Equal(1, summary.GetProperty("imported").GetInt32());
        var stored = (await _environment.Store.FindAsync("imp-1", Cancel))!;
        var sandboxGrant = Sandbox.FindGrant(grant.GrantId)!;
        Assert.Equal($"urn:li:person:{member.Sub}", stored.MemberUrn);
        Assert.Equal(new SecretToken(grant.AccessToken), stored.AccessToken);
        Assert.Equal(new SecretToken(grant.RefreshToken!), stored.RefreshToken);
        Assert.Equal(sandboxGrant.AccessTokenExpiresAt!.Value.ToUnixTimeSeconds(), stored.AccessTokenExpiresAt!.Value.ToUnixTimeSeconds());
        // LinkedIn's rule: 365 days from the original authorization, whatever the line or a refresh says.
        Assert.Equal((sandboxGrant.AuthorizedAt + TimeSpan.FromDays(365)).ToUnixTimeSeconds(), stored.RefreshTokenExpiresAt!.Value.ToUnixTimeSeconds());
        Assert.Contains("w_member_social", stored.Scopes);
        Assert.Equal(1, stored.Version);
        var authorized = await WaitForAsync(() => _environment.OtherService.Of<ConnectionAuthorized>("imp-1"));
        Assert.True(authorized.Imported);
        Assert.False(authorized.Reconnected);
        Assert.Equal(stored.MemberUrn, authorized.MemberUrn);
        Assert.Equal(stored.Version, authorized.Version);
        // Not due for weeks: the spread only ever delays, it never brings a check forward.
        Assert.True(stored.NextRefreshAt > before.AddDays(30), $"next check at {stored.NextRefreshAt}");
        AssertNoTokenAnywhere();
    }

    [Fact]
    public async Task The_refresh_tokens_hard_end_is_never_later_than_a_year_after_the_authorization_the_line_states()
    {
        var (_, grant) = Grant();
        var authorizedAt = DateTimeOffset.UtcNow.AddDays(-300);

        await ImportAsync(AdminKey, Line("imp-year", grant, extra: new()
        {
            ["authorizedAt"] = authorizedAt.ToString("O", CultureInfo.InvariantCulture),
            ["refreshTokenExpiresAt"] = DateTimeOffset.UtcNow.AddDays(200).ToString("O", CultureInfo.InvariantCulture),
        }));

        var stored = (await _environment.Store.FindAsync("imp-year", Cancel))!;
        Assert.Equal((authorizedAt + TimeSpan.FromDays(365)).ToUnixTimeSeconds(), stored.RefreshTokenExpiresAt!.Value.ToUnixTimeSeconds());
        // An access token never outlives its refresh token.
        Assert.True(stored.AccessTokenExpiresAt <= stored.RefreshTokenExpiresAt);
    }

    [Fact]
    public async Task Overwrite_replaces_the_tokens_of_the_same_member_only_and_only_when_asked()
    {
        var member = Sandbox.CreateMember();
        var first = Seed(member.Sub);
        var second = Seed(member.Sub);
        var stranger = Grant().Grant;
        await ImportAsync(AdminKey, Line("imp-ow", first));

        var (withoutFlag, _) = await ImportAsync(AdminKey, Line("imp-ow", second));
        var (again, _) = await ImportAsync(AdminKey, Line("imp-ow", first));
        Assert.Equal("skipped", Assert.Single(withoutFlag).GetProperty("result").GetString());
        Assert.Equal(ImportReasons.Exists, withoutFlag[0].GetProperty("reason").GetString());
        Assert.Equal("unchanged", Assert.Single(again).GetProperty("result").GetString());
        Assert.Equal(1, (await _environment.Store.FindAsync("imp-ow", Cancel))!.Version);

        var (replaced, _) = await ImportAsync(AdminKey, Line("imp-ow", second), overwrite: true);
        Assert.Equal("imported", Assert.Single(replaced).GetProperty("result").GetString());
        var stored = (await _environment.Store.FindAsync("imp-ow", Cancel))!;
        Assert.Equal(2, stored.Version);
        Assert.Equal(new SecretToken(second.AccessToken), stored.AccessToken);
        await PipelineHost.WaitUntilAsync(() => _environment.OtherService.Of<ConnectionAuthorized>("imp-ow").Count == 2, "two ConnectionAuthorized", TimeSpan.FromSeconds(30));
        var renewed = _environment.OtherService.Of<ConnectionAuthorized>("imp-ow").Single(e => e.Version == 2);
        Assert.True(renewed.Imported);
        Assert.True(renewed.Reconnected);

        var (takeover, _) = await ImportAsync(AdminKey, Line("imp-ow", stranger), overwrite: true);
        Assert.Equal("rejected", Assert.Single(takeover).GetProperty("result").GetString());
        Assert.StartsWith(ImportReasons.MemberMismatch, takeover[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var after = (await _environment.Store.FindAsync("imp-ow", Cancel))!;
        Assert.Equal(2, after.Version);
        Assert.Equal(new SecretToken(second.AccessToken), after.AccessToken);
        AssertNoTokenAnywhere();
    }

    [Fact]
    public async Task A_read_key_may_not_import_an_import_or_operate_key_may_and_each_request_is_audited_once_with_its_counts()
    {
        var (_, a) = Grant();
        var (_, b) = Grant();
        var (_, c) = Grant();

        using (var refused = await SendAsync(ReaderKey, Line("imp-scope-r", a)))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        Assert.Null(await _environment.Store.FindAsync("imp-scope-r", Cancel));
        var (_, byImporter) = await ImportAsync(ImporterKey, Line("imp-scope-i", b) + "\n{oops\n");
        var (_, byOperator) = await ImportAsync(OperatorKey, Line("imp-scope-o", c));

        Assert.Equal(1, byImporter.GetProperty("imported").GetInt32());
        Assert.Equal(1, byImporter.GetProperty("rejected").GetInt32());
        Assert.Equal(1, byOperator.GetProperty("imported").GetInt32());
        using var audit = await _http.SendAsync(Request(HttpMethod.Get, "admin/audit?limit=50", AdminKey), Cancel);
        var records = JsonDocument.Parse(await audit.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("records").EnumerateArray()
            .Where(r => r.GetProperty("action").GetString() == "POST /admin/connections/import").ToArray();
        Assert.Equal(3, records.Length);
        var importer = Assert.Single(records, r => r.GetProperty("actor").GetString() == "importer");
        Assert.Equal("2 lines: 1 imported, 0 unchanged, 0 skipped, 1 rejected", importer.GetProperty("detail").GetString());
        Assert.Equal(403, Assert.Single(records, r => r.GetProperty("actor").GetString() == "reader").GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_body_that_is_not_NDJSON_is_415_and_one_declared_larger_than_the_limit_is_413_before_anything_is_read()
    {
        var (_, grant) = Grant();
        using var json = new HttpRequestMessage(HttpMethod.Post, "admin/connections/import")
        {
            Content = new StringContent(Line("imp-media", grant), Encoding.UTF8, "application/json"),
        };
        json.Headers.Add("X-Api-Key", AdminKey);
        using var wrongType = await _http.SendAsync(json, Cancel);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);

        var big = new string(' ', (int)MaxBody + 1);
        using var tooLarge = await SendAsync(AdminKey, Line("imp-big", grant) + "\n" + big);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("Admin:ImportMaxBodyBytes", await tooLarge.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Null(await _environment.Store.FindAsync("imp-media", Cancel));
        Assert.Null(await _environment.Store.FindAsync("imp-big", Cancel));
    }

    [Fact]
    public async Task A_chunked_body_that_grows_past_the_limit_stops_there_keeping_what_was_imported_and_the_summary_says_so()
    {
        var (_, grant) = Grant();
        var content = new StringContent(Line("imp-chunked", grant) + "\n" + new string(' ', (int)MaxBody + 1) + "\n", Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var request = Request(HttpMethod.Post, "admin/connections/import", AdminKey, content);
        request.Headers.TransferEncodingChunked = true;

        using var response = await _http.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        _bodies.Enqueue(text);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        var summary = JsonDocument.Parse(text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement.GetProperty("summary");
        Assert.Equal(1, summary.GetProperty("imported").GetInt32());
        Assert.Contains("Admin:ImportMaxBodyBytes", summary.GetProperty("stopped").GetString(), StringComparison.Ordinal);
        Assert.NotNull(await _environment.Store.FindAsync("imp-chunked", Cancel));
        AssertNoTokenAnywhere();
    }

    [Fact]
    public async Task A_line_naming_a_configured_app_is_introspected_with_that_apps_credentials_and_an_unknown_app_is_rejected()
    {
        var member = Sandbox.CreateMember();
        var grant = Sandbox.SeedGrant(ShareClientId, member.Sub, "openid", "profile", "w_member_social");
        _tokens.Add(grant.AccessToken);
        _tokens.Add(grant.RefreshToken!);
        var (_, other) = Grant();

        var (results, summary) = await ImportAsync(ImporterKey, string.Join('\n',
            Line("imp-app-share", grant, extra: new() { ["app"] = "share" }),
            Line("imp-app-nope", other, extra: new() { ["app"] = "nope" })));

        Assert.Equal(1, summary.GetProperty("imported").GetInt32());
        Assert.Equal("imported", results.Single(r => r.GetProperty("connectionId").GetString() == "imp-app-share").GetProperty("result").GetString());
        var refused = results.Single(r => r.GetProperty("connectionId").GetString() == "imp-app-nope");
        Assert.Equal("rejected", refused.GetProperty("result").GetString());
        Assert.StartsWith(ImportReasons.UnknownApp, refused.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Null(await _environment.Store.FindAsync("imp-app-nope", Cancel));
        Assert.Equal("share", (await _environment.Store.FindAsync("imp-app-share", Cancel))!.App);
        var introspection = Assert.Single(Sandbox.Requests, r => r.Endpoint == SandboxEndpoint.IntrospectToken && r.GrantId == grant.GrantId);
        Assert.Equal(ShareClientId, introspection.ClientId);
        Assert.Equal(200, introspection.Status);
        var authorized = await WaitForAsync(() => _environment.OtherService.Of<ConnectionAuthorized>("imp-app-share"));
        Assert.Equal("share", authorized.App);
        AssertNoTokenAnywhere();
    }

    private (SandboxMember Member, SeededGrant Grant) Grant()
    {
        var member = Sandbox.CreateMember();
        return (member, Seed(member.Sub));
    }

    private SeededGrant Seed(string sub)
    {
        var grant = Sandbox.SeedGrant(RabbitMqWorkerEnvironment.ClientId, sub, "openid", "profile", "w_member_social");
        _tokens.Add(grant.AccessToken);
        _tokens.Add(grant.RefreshToken!);
        return grant;
    }

    private static string Line(string connectionId, SeededGrant grant, string tenantId = "tenant-import", Dictionary<string, object?>? extra = null)
    {
        var line = new Dictionary<string, object?>
        {
            ["connectionId"] = connectionId,
            ["tenantId"] = tenantId,
            ["accessToken"] = grant.AccessToken,
            ["refreshToken"] = grant.RefreshToken,
        };
        foreach (var (key, value) in extra ?? [])
        {
            line[key] = value;
        }

        return JsonSerializer.Serialize(line);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Api-Key", key);
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(string key, string body, bool overwrite = false)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var request = Request(HttpMethod.Post, "admin/connections/import" + (overwrite ? "?overwrite=true" : ""), key, content);
        return await _http.SendAsync(request, Cancel);
    }

    /// <summary>Sends an import and reads its answer: the per-line results and the summary's counts.</summary>
    private async Task<(List<JsonElement> Results, JsonElement Summary)> ImportAsync(string key, string body, bool overwrite = false)
    {
        using var response = await SendAsync(key, body, overwrite);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        _bodies.Enqueue(text);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var summary = lines[^1].GetProperty("summary");
        return (lines[..^1], summary);
    }

    /// <summary>
    /// No token sent appears in a response or a log line: every run of token characters there is looked up among the tokens
    /// (and among their halves, so a token cut short is found too).
    /// </summary>
    private void AssertNoTokenAnywhere()
    {
        var logs = _logs.Text;
        Assert.NotEmpty(logs);
        var secrets = _tokens.SelectMany(t => new[] { t, t[..(t.Length / 2)], t[(t.Length / 2)..] }).ToHashSet(StringComparer.Ordinal);
        foreach (var (what, text) in _bodies.Select(b => ("an import response", b)).Append(("the worker's log", logs)))
        {
            foreach (Match word in TokenCharacters().Matches(text))
            {
                Assert.False(secrets.Contains(word.Value), $"A token appeared in {what}.");
            }
        }
    }

    [GeneratedRegex("[A-Za-z0-9_-]{16,}")]
    private static partial Regex TokenCharacters();

    private static async Task<T> WaitForAsync<T>(Func<IReadOnlyList<T>> events)
    {
        await PipelineHost.WaitUntilAsync(() => events().Count > 0, typeof(T).Name, TimeSpan.FromSeconds(30));
        return events()[0];
    }

    /// <summary>Every log event of the worker, rendered with its properties and exception.</summary>
    private sealed class LogText : ILogEventSink
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public string Text => string.Join('\n', _lines);

        public void Emit(LogEvent logEvent)
        {
            ArgumentNullException.ThrowIfNull(logEvent);
            _lines.Enqueue(string.Join(' ', logEvent.RenderMessage(CultureInfo.InvariantCulture),
                string.Join(' ', logEvent.Properties.Select(p => $"{p.Key}={p.Value}")), logEvent.Exception?.ToString()));
        }
    }
}
