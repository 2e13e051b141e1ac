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
/// with the same settings (<see cref="WorkerSettings"/>).
/// </summary>
public sealed class RabbitMqWorkerEnvironment : IAsyncDisposable
{
    public const string ClientId = "tw-rabbit";
    public const string ClientSecret = "tw-rabbit-secret";
    public const string OtherServiceQueue = "other-service-connection-events";

    private readonly List<WebApplication> _workers = [];
    private readonly bool _ownsBroker;
    private ServiceProvider? _otherService;

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

    /// <summary>The other service's record of every event it received.</summary>
    public EventRecorder OtherService => _otherService!.GetRequiredService<EventRecorder>();

    public IBus OtherServiceBus => _otherService!.GetRequiredService<IBus>();

    /// <summary>The first in-process worker: the tests read and seed the shared store through it.</summary>
    public WebApplication Worker => _workers[0];

    public IConnectionStore Store => Worker.Services.GetRequiredService<IConnectionStore>();

    private CancellationToken Cancel { get; init; }

    /// <summary>On <paramref name="broker"/>, in a virtual host of its own; disposes the broker when it owns it.</summary>
    public static async Task<RabbitMqWorkerEnvironment> StartAsync(RabbitMqBroker broker, bool ownsBroker, CancellationToken cancellationToken)
    {
        var virtualHost = await broker.CreateVirtualHostAsync();
        var sandbox = await LinkedInSandbox.StartAsync(cancellationToken: cancellationToken);
        sandbox.Control.CreateApp(ClientId, ClientSecret, programmaticRefresh: true);
        var environment = new RabbitMqWorkerEnvironment(broker, virtualHost, sandbox, ownsBroker) { Cancel = cancellationToken };
        await environment.StartOtherServiceAsync();
        return environment;
    }

    private async Task StartOtherServiceAsync()
    {
        var other = new ServiceCollection().AddSingleton<EventRecorder>().AddLogging();
        other.AddMassTransit(bus =>
        {
            bus.AddConsumer<EventRecorderConsumer>().Endpoint(endpoint => endpoint.Name = OtherServiceQueue);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(Broker.Host, (ushort)Broker.Port, VirtualHost, host =>
                {
                    host.Username(Broker.Username);
                    host.Password(Broker.Password);
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
        _otherService = other.BuildServiceProvider();
        await _otherService.GetRequiredService<IBusControl>().StartAsync(Cancel);
    }

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
    public async Task<WebApplication> StartWorkerAsync(IDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(WorkerSettings(overrides));
        builder.AddTokenWorkers();
        var worker = builder.Build();
        worker.MapTokenWorkersEndpoints();
        _workers.Add(worker);
        await worker.StartAsync(Cancel);
        return worker;
    }

    /// <summary>A connection whose access token has 5 days left: inside the refresh window, so the next scan dispatches it.</summary>
    public Task<(Connection Connection, SeededGrant Grant)> ConnectDueAsync(string connectionId) =>
        ConnectAsync(connectionId, TimeSpan.FromDays(5));

    /// <summary>A connection whose access token has <paramref name="accessTokenLeft"/> left (60 days: nothing is due for 50).</summary>
    public async Task<(Connection Connection, SeededGrant Grant)> ConnectAsync(string connectionId, TimeSpan accessTokenLeft)
    {
        var member = Sandbox.Control.CreateMember();
        var grant = Sandbox.Control.SeedGrant(ClientId, member.Sub, "openid", "profile", "w_member_social");
        var now = DateTimeOffset.UtcNow;
        var granted = (TokenGranted)TokenResponseReader.Read(HttpStatusCode.OK,
            $$"""{"access_token":"{{grant.AccessToken}}","expires_in":{{(long)accessTokenLeft.TotalSeconds}},"refresh_token":"{{grant.RefreshToken}}","refresh_token_expires_in":{{grant.RefreshTokenExpiresIn}}}""", now);
        var connection = await Store.TryInsertAsync(
            NewConnections.FromGrant(connectionId, "t", granted.ToGrant(), Worker.Services.GetRequiredService<RefreshSchedule>(), now), Cancel);
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

        if (_otherService is not null)
        {
            await _otherService.GetRequiredService<IBusControl>().StopAsync();
            await _otherService.DisposeAsync();
        }

        await Sandbox.DisposeAsync();
        if (_ownsBroker)
        {
            await Broker.DisposeAsync();
        }
        else
        {
            await Broker.DeleteVirtualHostAsync(VirtualHost);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDirectory, recursive: true);
    }
}
