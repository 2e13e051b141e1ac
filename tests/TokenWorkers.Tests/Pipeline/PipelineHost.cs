using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;
using TokenWorkers.Refresh;
using TokenWorkers.Sandbox;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>
/// The worker as production composes it (store, LinkedIn client, refresh, consumers on MassTransit's
/// in-memory bus), against the LinkedIn sandbox over real HTTP, with SQLite on real files, all on one
/// fake clock. A subscriber on its own endpoint records every event, as another service would.
/// </summary>
public sealed class PipelineHost : IAsyncDisposable
{
    public const string ClientId = "tw-pipeline";
    public const string NoRefreshClientId = "tw-pipeline-selfserve";
    public const string ClientSecret = "SENTINEL-CLIENT-SECRET-7f3a91";
    public static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Scopes = ["openid", "profile", "email", "w_member_social"];

    private readonly ServiceProvider _services;

    private PipelineHost(FakeTimeProvider time, LinkedInSandbox sandbox, ServiceProvider services, string dataDirectory, CapturedLogs logs)
    {
        Time = time;
        Sandbox = sandbox;
        _services = services;
        DataDirectory = dataDirectory;
        Logs = logs;
    }

    public FakeTimeProvider Time { get; }

    public LinkedInSandbox Sandbox { get; }

    public string DataDirectory { get; }

    public CapturedLogs Logs { get; }

    public BusActivity Activity { get; } = new();

    public IServiceProvider Services => _services;

    public IConnectionStore Store => _services.GetRequiredService<IConnectionStore>();

    public ApiTraffic Traffic => _services.GetRequiredService<ApiTraffic>();

    public IPostLedger Ledger => _services.GetRequiredService<IPostLedger>();

    public EventRecorder Events => _services.GetRequiredService<EventRecorder>();

    /// <summary>Makes the next publishes of a message type fail at the broker.</summary>
    public PublishFaults PublishFaults => _services.GetRequiredService<PublishFaults>();

    public IBusControl Bus => _services.GetRequiredService<IBusControl>();

    public DateTimeOffset Now => Time.GetUtcNow();

    public static async Task<PipelineHost> StartAsync(
        IDictionary<string, string?>? overrides = null, SandboxSettings? sandboxSettings = null, Action<IServiceCollection>? configureServices = null)
    {
        var time = new FakeTimeProvider(Start);
        var sandbox = await LinkedInSandbox.StartAsync(sandboxSettings, time);
        sandbox.Control.CreateApp(ClientId, ClientSecret, programmaticRefresh: true);
        sandbox.Control.CreateApp(NoRefreshClientId, ClientSecret, programmaticRefresh: false);

        var dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-pipeline-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["LinkedIn:OAuthBaseUrl"] = sandbox.BaseAddress.ToString(),
            ["LinkedIn:ApiBaseUrl"] = sandbox.BaseAddress.ToString(),
            ["LinkedIn:ClientId"] = ClientId,
            ["LinkedIn:ClientSecret"] = ClientSecret,
            ["LinkedIn:RequestTimeout"] = "00:00:10",
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Encryption:ActiveKeyId"] = "test-1",
            ["Encryption:Keys:test-1"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
            ["Refresh:QuickRetryCount"] = "0",
            ["Refresh:RefreshJitter"] = "00:00:00",
            ["Publishing:QuickRetryCount"] = "0",
            // A version LinkedIn served on the host's start date (the sandbox follows LinkedIn's version lifecycle).
            ["Publishing:LinkedInVersion"] = "202511",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturedLogs();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<EventRecorder>()
            .AddSingleton<ApiTraffic>()
            .AddSingleton<PublishFaults>()
            .AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        // Before the worker's own registrations, which only add what is missing: a test may stand in for one.
        configureServices?.Invoke(services);
        services.AddTokenWorkersCore(configuration);
        services.AddHttpClient<LinkedInApiClient>().AddHttpMessageHandler(sp => new RecordingHandler(sp.GetRequiredService<ApiTraffic>()));
        // The worker's own bus registration (consumers, definitions, filters), under MassTransit's test harness.
        services.AddMassTransitTestHarness(bus => bus.AddTokenWorkersBus(
            new TokenWorkers.Hosting.TransportOptions(),
            configureBus: extra => extra.AddConsumer<EventRecorderConsumer>(),
            configureTransport: (context, memory) =>
            {
                var faults = context.GetRequiredService<PublishFaults>();
                memory.ConfigurePublish(publish => publish.UseExecute(faults.Check));
            }));

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var host = new PipelineHost(time, sandbox, provider, dataDirectory, logs);
        await host.Store.InitializeAsync(CancellationToken.None);
        await host.Ledger.InitializeAsync(CancellationToken.None);
        host.Bus.ConnectPublishObserver(host.Activity);
        host.Bus.ConnectSendObserver(host.Activity);
        host.Bus.ConnectConsumeObserver(host.Activity);
        await host.Bus.StartAsync();
        return host;
    }

    /// <summary>A member connects through a seeded grant; the connection is stored as the connect flow would.</summary>
    public async Task<(Connection Connection, SeededGrant Grant)> ConnectAsync(
        string connectionId, bool programmaticRefresh = true, string tenantId = "tenant-1", IReadOnlyList<string>? scopes = null,
        string app = Connection.DefaultApp, string? clientId = null)
    {
        var member = Sandbox.Control.CreateMember();
        var grant = Sandbox.Control.SeedGrant(clientId ?? (programmaticRefresh ? ClientId : NoRefreshClientId), member.Sub, scopes ?? Scopes);
        var granted = new TokenGranted(
            new SecretToken(grant.AccessToken),
            TimeSpan.FromSeconds(grant.ExpiresIn),
            grant.RefreshToken is null ? null : new SecretToken(grant.RefreshToken),
            grant.RefreshTokenExpiresIn is { } left ? TimeSpan.FromSeconds(left) : null,
            TokenResponseReader.SplitScopes(grant.Scope),
            Now);
        var connection = NewConnections.FromGrant(connectionId, tenantId, granted.ToGrant(), _services.GetRequiredService<RefreshSchedule>(), Now,
            $"urn:li:person:{member.Sub}", app);
        var stored = await Store.TryInsertAsync(connection, CancellationToken.None)
                     ?? throw new InvalidOperationException($"Connection {connectionId} already exists");
        return (stored, grant);
    }

    public async Task<Connection> GetAsync(string connectionId) =>
        await Store.FindAsync(connectionId, CancellationToken.None) ?? throw new InvalidOperationException($"No connection {connectionId}");

    /// <summary>Runs one refresh scan, then waits until every message it caused has been handled.</summary>
    public async Task<ScanResult> ScanAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<RefreshScanner>().ScanAsync(CancellationToken.None);
        await Activity.SettleAsync();
        return result;
    }

    /// <summary>Sends a command as another service would, then waits until everything it caused has been handled.</summary>
    public async Task PublishAsync(PublishPost command)
    {
        await Bus.Publish(command);
        await Activity.SettleAsync();
    }

    public async Task CancelAsync(CancelPost command)
    {
        await Bus.Publish(command);
        await Activity.SettleAsync();
    }

    /// <summary>Runs one post resumption scan (the Quartz job's work), then waits until the bus settles.</summary>
    public async Task<int> ResumePostsAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var dispatched = await scope.ServiceProvider.GetRequiredService<PostResumer>().ScanAsync(CancellationToken.None);
        await Activity.SettleAsync();
        return dispatched;
    }

    public async Task<PostEntry> PostAsync(string postId) =>
        await Ledger.FindAsync(postId, CancellationToken.None) ?? throw new InvalidOperationException($"No post {postId}");

    /// <summary>Successful post creations LinkedIn saw (any endpoint).</summary>
    public IReadOnlyList<TokenWorkers.Sandbox.SandboxPost> LinkedInPosts => Sandbox.Control.Posts;

    public async Task<int> SweepAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var swept = await scope.ServiceProvider.GetRequiredService<OutboxSweeper>().SweepAsync(CancellationToken.None);
        await Activity.SettleAsync();
        return swept;
    }

    /// <summary>Calls the refresher directly, as a consumer would (or, forced, as the admin API does), then waits for the bus.</summary>
    public async Task<(RefreshOutcome Outcome, Connection? Connection)> RefreshAsync(string connectionId, bool force = false)
    {
        await using var scope = _services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ConnectionRefresher>()
            .RefreshAsync(connectionId, force ? AttemptTrigger.Forced : AttemptTrigger.Scheduled, CancellationToken.None);
        await Activity.SettleAsync();
        return result;
    }

    /// <summary>Changes a stored connection through the one writer, as an outside actor would (a test's stand-in for another process).</summary>
    public async Task<Connection> WriteAsync(string connectionId, Func<Connection, Connection> change)
    {
        await using var scope = _services.CreateAsyncScope();
        var written = await scope.ServiceProvider.GetRequiredService<AggregateWriter<Connection>>()
            .UpdateAsync(connectionId, (c, _) => new Events.Change<Connection>(change(c)), CancellationToken.None);
        await Activity.SettleAsync();
        return written.Current ?? throw new InvalidOperationException($"No connection {connectionId}");
    }

    /// <summary>Successful refresh-token exchanges LinkedIn saw for a grant.</summary>
    public int RefreshExchanges(string grantId) => Sandbox.Control.Requests.Count(r =>
        r.Endpoint == SandboxEndpoint.AccessToken && r.GrantType == "refresh_token" && r.GrantId == grantId && r.Status == 200);

    /// <summary>Waits (in real time) until a condition holds, for flows that finish asynchronously on the bus.</summary>
    public static Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, timeout, TimeSpan.FromMilliseconds(10));

    /// <summary>Waits (in real time) until an asynchronous condition holds, polling every <paramref name="poll"/>.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}");
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Moves the shared clock (worker and sandbox) forward.</summary>
    public void Advance(TimeSpan by) => Time.Advance(by);

    public async ValueTask DisposeAsync()
    {
        await Bus.StopAsync();
        await _services.DisposeAsync();
        await Sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temp directory behind; it must not fail the test.
        }
    }
}
