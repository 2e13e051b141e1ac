using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenWorkers.Connect;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Connect;

/// <summary>Reconnect links and connect sessions on a fake clock: their lifetimes are days and minutes, which HTTP tests cannot wait out.</summary>
public sealed class ConnectLinksTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenworkers-sessions-").FullName;
    private SqliteDatabase _database = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static IOptions<ConnectOptions> Options(byte seed = 3) => Microsoft.Extensions.Options.Options.Create(new ConnectOptions
    {
        Enabled = true,
        PublicBaseUrl = new Uri("https://tw.example/"),
        StateKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * seed)).ToArray()),
    });

    public async ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase(Path.Combine(_directory, SqliteConnectionStore.FileName));
        await new SqliteConnectSessions(_database).InitializeAsync(Cancel);
    }

    public ValueTask DisposeAsync()
    {
        _database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public void A_reconnect_link_names_its_connection_until_it_expires()
    {
        var links = new ConnectLinks(Options(), _time);
        var link = links.LinkFor("conn-1", "tenant-1")!;
        var value = Value(link);

        _time.Advance(TimeSpan.FromDays(29));
        var (connectionId, tenantId, problem) = links.Read(value);
        _time.Advance(TimeSpan.FromDays(1));
        var (_, _, expired) = links.Read(value);

        Assert.StartsWith("https://tw.example/connect/linkedin?reconnect=", link.AbsoluteUri, StringComparison.Ordinal);
        Assert.Null(problem);
        Assert.Equal(("conn-1", "tenant-1"), (connectionId, tenantId));
        Assert.Contains("has expired", expired, StringComparison.Ordinal);
    }

    [Fact]
    public void A_link_altered_signed_with_another_key_or_made_from_a_state_is_refused()
    {
        var links = new ConnectLinks(Options(), _time);
        var value = Value(links.LinkFor("conn-1", "tenant-1")!);
        var payload = value[..value.IndexOf('.', StringComparison.Ordinal)];
        var otherPayload = Value(links.LinkFor("conn-2", "tenant-1")!).Split('.')[0];
        var state = new ConnectState(Options(), _time).Issue("conn-1", "tenant-1", null, ConnectState.NewBrowserNonce());

        string[] forged =
        [
            otherPayload + value[payload.Length..],
            Value(new ConnectLinks(Options(seed: 5), _time).LinkFor("conn-1", "tenant-1")!),
            state,
            "not-a-link",
        ];

        Assert.All(forged, f => Assert.Contains("altered", links.Read(f).Problem, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_session_link_starts_one_flow_and_reads_as_expired_after_its_lifetime()
    {
        var store = new SqliteConnectionStore(_database, Some.Protector(), NullLogger<SqliteConnectionStore>.Instance);
        await store.InitializeAsync(Cancel);
        var issuer = new ConnectSessionIssuer(new SqliteConnectSessions(_database), store, new TokenWorkers.LinkedIn.LinkedInApps(Microsoft.Extensions.Options.Options.Create(new TokenWorkers.LinkedIn.LinkedInOptions { ClientId = "tw-client", ClientSecret = "tw-secret" })), Options(), _time);
        var mintedAt = _time.GetUtcNow();
        var (first, _, _) = await issuer.MintAsync(new ConnectSessionRequest("conn-1", "tenant-1", null), "backend", Cancel);
        var (second, _, _) = await issuer.MintAsync(new ConnectSessionRequest("conn-2", "tenant-1", null), "backend", Cancel);

        var redeemed = await issuer.RedeemAsync(Secret(first!.Url), Cancel);
        var again = await issuer.RedeemAsync(Secret(first.Url), Cancel);
        _time.Advance(TimeSpan.FromMinutes(15));
        var late = await issuer.RedeemAsync(Secret(second!.Url), Cancel);
        var unknown = await issuer.RedeemAsync("made-up", Cancel);

        Assert.Equal(("conn-1", "tenant-1", "backend"), (redeemed.Session?.ConnectionId, redeemed.Session?.TenantId, redeemed.Session?.CreatedBy));
        Assert.Contains("already used", again.Problem, StringComparison.Ordinal);
        Assert.Contains("has expired", late.Problem, StringComparison.Ordinal);
        Assert.Contains("not valid", unknown.Problem, StringComparison.Ordinal);
        Assert.Equal(mintedAt.AddMinutes(15), second.ExpiresAt);
    }

    private static string Value(Uri link) => System.Web.HttpUtility.ParseQueryString(link.Query)["reconnect"]!;

    private static string Secret(Uri link) => System.Web.HttpUtility.ParseQueryString(link.Query)["session"]!;
}
