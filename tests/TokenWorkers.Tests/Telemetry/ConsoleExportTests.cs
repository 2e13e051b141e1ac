using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;
using TokenWorkers.Refresh;
using TokenWorkers.Sandbox;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Tests.Telemetry;

/// <summary>
/// The built worker as its own process with <c>Telemetry:Exporter=Console</c>: what an operator trying the metrics
/// sees. A process of its own because MassTransit's instruments are process-wide, bound to the first bus's
/// services; in a shared test process they follow whichever host came first.
/// </summary>
public sealed class ConsoleExportTests : IAsyncLifetime
{
    private const string ClientId = "tw-otel";
    private const string ClientSecret = "tw-otel-SENTINEL-secret";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-otel-").FullName;
    private LinkedInSandbox _sandbox = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await LinkedInSandbox.StartAsync(cancellationToken: Cancel);
        _sandbox.Control.CreateApp(ClientId, ClientSecret, programmaticRefresh: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task The_console_exporter_prints_the_worker_metrics_and_MassTransit_own_without_a_secret()
    {
        var key = Convert.ToBase64String(Enumerable.Range(3, 32).Select(i => (byte)i).ToArray());
        var grant = await SeedDueConnectionAsync(key);
        await using var worker = await WorkerProcess.StartAsync(new Dictionary<string, string?>
        {
            ["LinkedIn:OAuthBaseUrl"] = _sandbox.BaseAddress.ToString(),
            ["LinkedIn:ApiBaseUrl"] = _sandbox.BaseAddress.ToString(),
            ["LinkedIn:ClientId"] = ClientId,
            ["LinkedIn:ClientSecret"] = ClientSecret,
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Encryption:ActiveKeyId"] = "otel-1",
            ["Encryption:Keys:otel-1"] = key,
            ["Refresh:ScanInterval"] = "00:00:01",
            ["Telemetry:Exporter"] = "Console",
            ["Telemetry:ExportInterval"] = "00:00:01",
            ["Telemetry:FleetSummaryInterval"] = "00:00:01",
        }, Cancel);

        string[] expected = ["tokenworkers.refreshes", "tokenworkers.refresh.duration", "tokenworkers.connections",
            "tokenworkers.fleet.access_token.time_to_expiry", "tokenworkers.fleet.refresh_token.time_to_end", "messaging.masstransit.consume"];
        await PipelineHost.WaitUntilAsync(() => expected.All(name => worker.Output.Contains(name, StringComparison.Ordinal)),
            "every instrument in the console export", TimeSpan.FromSeconds(60));

        Assert.Contains("outcome: refreshed", worker.Output, StringComparison.Ordinal);
        Assert.Contains("status: active", worker.Output, StringComparison.Ordinal);
        Assert.Equal(1, _sandbox.Control.Requests.Count(r => r.GrantId == grant.GrantId && r.Endpoint == SandboxEndpoint.AccessToken && r.Status == 200));
        foreach (var secret in new[] { grant.AccessToken, grant.RefreshToken!, ClientSecret, key })
        {
            Assert.False(worker.Output.Contains(secret, StringComparison.Ordinal), "A secret appeared in the worker's output.");
        }
    }

    /// <summary>A connection inside its refresh window, written to the file the worker process will open.</summary>
    private async Task<SeededGrant> SeedDueConnectionAsync(string key)
    {
        var member = _sandbox.Control.CreateMember();
        var grant = _sandbox.Control.SeedGrant(ClientId, member.Sub, "openid", "profile", "w_member_social");
        var encryption = new EncryptionOptions { ActiveKeyId = "otel-1" };
        encryption.Keys["otel-1"] = key;
        using var store = new SqliteConnectionStore(
            Path.Combine(_dataDirectory, SqliteConnectionStore.FileName), new AesGcmTokenProtector(Options.Create(encryption)),
            NullLogger<SqliteConnectionStore>.Instance);
        await store.InitializeAsync(Cancel);
        var now = DateTimeOffset.UtcNow;
        var granted = (TokenGranted)TokenResponseReader.Read(HttpStatusCode.OK,
            $$"""{"access_token":"{{grant.AccessToken}}","expires_in":432000,"refresh_token":"{{grant.RefreshToken}}","refresh_token_expires_in":{{grant.RefreshTokenExpiresIn}}}""", now);
        var schedule = new RefreshSchedule(new RefreshOptions().ToScheduleRules());
        Assert.NotNull(await store.TryInsertAsync(NewConnections.FromGrant("otel-due", "t", granted.ToGrant(), schedule, now), Cancel));
        return grant;
    }
}
