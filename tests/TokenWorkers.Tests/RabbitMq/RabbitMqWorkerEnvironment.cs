using System.Globalization;
using System.Net;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;
using TokenWorkers.Refresh;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// What the RabbitMQ tests share: a broker virtual host of their own, the sandbox over HTTP, one SQLite data
/// directory, and another service (its own bus and queue, nothing but the contracts) recording the worker's
/// events. Worker instances start in this process (<see cref="StartWorkerAsync"/>) or as separate processes
/// with the same settings (<see cref="WorkerSettings"/>); with no worker in this process, the store is opened from the
/// worker's core services over the same settings (<see cref="OpenStoreAsync"/>).
/// </summary>
public sealed class RabbitMqWorkerEnvironment : IAsyncDisposable
{
    public const string ClientId = "tw-rabbit";
    public const string ClientSecret = "tw-rabbit-secret";
    public const string OtherServiceQueue = "other-service-connection-events";

    private readonly List<WebApplication> _workers = [];
    private readonly bool _ownsBroker;
    private readonly List<ServiceProvider> _otherServices = [];
    private readonly List<string> _extraVirtualHosts = [];
    private ServiceProvider? _storeOnly;

    private RabbitMqWorkerEnvironment(RabbitMqBroker broker, string virtualHost, LinkedInSandbox sandbox, bool ownsBroker)
    {
        Broker = broker;
        VirtualHost = virtualHost;
        Sandbox = sandbox;
        _ownsBroker = ownsBroker;
    }

    public RabbitMqBroker Broker { get; }

    public string VirtualHost { get; }

    public LinkedInSandbox Sandbox { get; }

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("tokenworkers-rabbit-").FullName;

    /// <summary>The other service's record of every event it received, in every virtual host it listens on.</summary>
    public EventRecorder OtherService { get; } = new();

    public IBus OtherServiceBus => _otherServices[0].GetRequiredService<IBus>();

    /// <summary>The first in-process worker: the tests read and seed the shared store through it.</summary>
    public WebApplication Worker => _workers[0];

    public IConnectionStore Store => Services.GetRequiredService<IConnectionStore>();

    /// <summary>The shared posting ledger, read as any instance reads it.</summary>
    public TokenWorkers.Posts.IPostLedger Posts => Services.GetRequiredService<TokenWorkers.Posts.IPostLedger>();

    /// <summary>The message-data repository every instance shares (the claim check of images), as a sender sharing it would use it.</summary>
    public MassTransit.IMessageDataRepository MessageData => Services.GetRequiredService<MassTransit.IMessageDataRepository>();

    /// <summary>The first in-process worker's services, or the store-only ones of <see cref="OpenStoreAsync"/>.</summary>
    private IServiceProvider Services => _workers.Count > 0 ? _workers[0].Services
        : _storeOnly ?? throw new InvalidOperationException("Start a worker in this process or open the store first.");

    private CancellationToken Cancel { get; init; }

    /// <summary>
    /// On <paramref name="broker"/>, in a virtual host of its own, with a sandbox started with <paramref name="sandboxSettings"/>
    /// (its defaults when null); disposes the broker when it owns it.
    /// </summary>
    public static async Task<RabbitMqWorkerEnvironment> StartAsync(
        RabbitMqBroker broker, bool ownsBroker, CancellationToken cancellationToken, SandboxSettings? sandboxSettings = null)
    {
        var virtualHost = await broker.CreateVirtualHostAsync();
        var sandbox = await LinkedInSandbox.StartAsync(sandboxSettings, cancellationToken: cancellationToken);
        sandbox.Control.CreateApp(ClientId, ClientSecret, programmaticRefresh: true);
        var environment = new RabbitMqWorkerEnvironment(broker, virtualHost, sandbox, ownsBroker) { Cancel = cancellationToken };
        await environment.StartOtherServiceAsync(virtualHost);
        return environment;
    }

    private Task<IBus> StartOtherServiceAsync(string virtualHost) =>
        StartServiceAsync(virtualHost, Broker.Username, Broker.Password, OtherService,
            bus => bus.AddConsumer<EventRecorderConsumer>().Endpoint(endpoint => endpoint.Name = OtherServiceQueue));

    /// <summary>
    /// Another service as a team would write it: its own bus signed in as <paramref name="username"/>, nothing but the contracts,
    /// the consumers <paramref name="configureBus"/> adds (they may take <paramref name="recorder"/>); stopped with the environment.
    /// </summary>
    public async Task<IBus> StartServiceAsync(
        string virtualHost, string username, string password, EventRecorder recorder, Action<IBusRegistrationConfigurator> configureBus)
    {
        ArgumentNullException.ThrowIfNull(configureBus);
        var other = new ServiceCollection().AddSingleton(recorder).AddLogging();
        other.AddMassTransit(bus =>
        {
            configureBus(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(Broker.Host, (ushort)Broker.Port, virtualHost, host =>
                {
                    host.Username(username);
                    host.Password(password);
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
        var provider = other.BuildServiceProvider();
        _otherServices.Add(provider);
        await provider.GetRequiredService<IBusControl>().StartAsync(Cancel);
        return provider.GetRequiredService<IBus>();
    }

    /// <summary>
    /// The shared store without a worker in this process (every instance a separate process): the worker's core
    /// services over <see cref="WorkerSettings"/>, no bus and no scheduler, so nothing here consumes or scans.
    /// </summary>
    public async Task OpenStoreAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(WorkerSettings()).Build();
        _storeOnly = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddTokenWorkersCore(configuration)
            .BuildServiceProvider();
        await Store.InitializeAsync(Cancel);
    }

    /// <summary>
    /// Another virtual host on the same broker, for a worker instance that must not share its queues with the others
    /// (see <see cref="RefreshDueFanout"/>); the other service listens there too, so it records that instance's events.
    /// Null when the broker cannot give one (an external broker: every test shares its default virtual host).
    /// </summary>
    public async Task<string?> AddVirtualHostAsync()
    {
        var virtualHost = await Broker.CreateVirtualHostAsync();
        if (virtualHost == VirtualHost)
        {
            return null;
        }

        _extraVirtualHosts.Add(virtualHost);
        await StartOtherServiceAsync(virtualHost);
        return virtualHost;
    }

    /// <summary>The sandbox's address under another name (<c>localhost</c> instead of <c>127.0.0.1</c>): the record's <c>Host</c> then tells that caller apart.</summary>
    public string SandboxAddressAs(string host) => new UriBuilder(Sandbox.BaseAddress) { Host = host }.Uri.ToString();

    /// <summary>The settings every instance shares: the broker's virtual host, the store's directory, the sandbox.</summary>
    public Dictionary<string, string?> WorkerSettings(IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["LinkedIn:OAuthBaseUrl"] = Sandbox.BaseAddress.ToString(),
            ["LinkedIn:ApiBaseUrl"] = Sandbox.BaseAddress.ToString(),
            ["LinkedIn:ClientId"] = ClientId,
            ["LinkedIn:ClientSecret"] = ClientSecret,
            ["Storage:DataDirectory"] = DataDirectory,
            ["Encryption:ActiveKeyId"] = "rabbit-1",
            ["Encryption:Keys:rabbit-1"] = Convert.ToBase64String(new byte[32]),
            ["Refresh:ScanInterval"] = "00:00:01",
            ["Transport:Kind"] = "RabbitMq",
            ["Transport:RabbitMq:Host"] = Broker.Host,
            ["Transport:RabbitMq:Port"] = Broker.Port.ToString(CultureInfo.InvariantCulture),
            ["Transport:RabbitMq:VirtualHost"] = VirtualHost,
            ["Transport:RabbitMq:Username"] = Broker.Username,
            ["Transport:RabbitMq:Password"] = Broker.Password,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A worker instance in this process, composed as the real host is.</summary>
    public async Task<WebApplication> StartWorkerAsync(IDictionary<string, string?>? overrides = null, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(WorkerSettings(overrides));
        builder.AddTokenWorkers();
        configureServices?.Invoke(builder.Services);
        var worker = builder.Build();
        worker.MapTokenWorkersEndpoints();
        _workers.Add(worker);
        await worker.StartAsync(Cancel);
        return worker;
    }

    /// <summary>A connection whose access token has 5 days left: inside the refresh window, so the next scan dispatches it.</summary>
    public Task<(Connection Connection, SeededGrant Grant)> ConnectDueAsync(string connectionId, bool bindMember = false) =>
        ConnectAsync(connectionId, TimeSpan.FromDays(5), bindMember);

    /// <summary>
    /// A connection whose access token has <paramref name="accessTokenLeft"/> left (60 days: nothing is due for 50), bound to
    /// its member as the connect flow binds it when <paramref name="bindMember"/> (a reconnect link then works for them).
    /// With <paramref name="scopes"/> the grant has those and the connection records them, as a grant's <c>scope</c> field
    /// does; without, the grant is sign-in plus w_member_social and the connection knows no scopes (a row from before they were kept).
    /// </summary>
    public async Task<(Connection Connection, SeededGrant Grant)> ConnectAsync(
        string connectionId, TimeSpan accessTokenLeft, bool bindMember = false, IReadOnlyList<string>? scopes = null, string tenantId = "t")
    {
        var member = Sandbox.Control.CreateMember();
        var grant = Sandbox.Control.SeedGrant(ClientId, member.Sub, scopes ?? ["openid", "profile", "w_member_social"]);
        var now = DateTimeOffset.UtcNow;
        var scope = scopes is null ? "" : $",\"scope\":\"{grant.Scope}\"";
        var granted = (TokenGranted)TokenResponseReader.Read(HttpStatusCode.OK,
            $$"""{"access_token":"{{grant.AccessToken}}","expires_in":{{(long)accessTokenLeft.TotalSeconds}},"refresh_token":"{{grant.RefreshToken}}","refresh_token_expires_in":{{grant.RefreshTokenExpiresIn}}{{scope}}}""", now);
        var connection = await Store.TryInsertAsync(
            NewConnections.FromGrant(connectionId, tenantId, granted.ToGrant(), Services.GetRequiredService<RefreshSchedule>(), now,
                bindMember ? $"urn:li:person:{member.Sub}" : null), Cancel);
        return (connection!, grant);
    }

    /// <summary>Successful refresh-token exchanges at the sandbox, by grant id.</summary>
    public Dictionary<string, List<SandboxRequest>> RefreshExchangesByGrant() =>
        Sandbox.Control.Requests
            .Where(r => r.Endpoint == SandboxEndpoint.AccessToken && r.GrantType == "refresh_token" && r.Status == 200)
            .GroupBy(r => r.GrantId!)
            .ToDictionary(g => g.Key, g => g.ToList());

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            // Stopped first, so the scheduler's jobs end before the services they resolve are disposed.
            await worker.StopAsync(CancellationToken.None);
            await worker.DisposeAsync();
        }

        foreach (var other in _otherServices)
        {
            await other.GetRequiredService<IBusControl>().StopAsync();
            await other.DisposeAsync();
        }

        if (_storeOnly is not null)
        {
            await _storeOnly.DisposeAsync();
        }

        await Sandbox.DisposeAsync();
        if (_ownsBroker)
        {
            await Broker.DisposeAsync();
        }
        else
        {
            foreach (var virtualHost in _extraVirtualHosts.Prepend(VirtualHost))
            {
                await Broker.DeleteVirtualHostAsync(virtualHost);
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
