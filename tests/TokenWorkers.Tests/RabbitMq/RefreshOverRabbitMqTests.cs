using System.Net;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Refresh;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// The worker host on a real RabbitMQ broker, and another service (its own bus, its own queue, only the
/// contracts) subscribed to the worker's events. Real clock, sandbox over HTTP, SQLite on disk.
/// </summary>
public sealed class RefreshOverRabbitMqTests : IAsyncLifetime
{
    private const string ClientId = "tw-rabbit";
    private const string ClientSecret = "tw-rabbit-secret";
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-rabbit-").FullName;
    private RabbitMqBroker _broker = null!;
    private string _virtualHost = "/";
    private LinkedInSandbox _sandbox = null!;
    private WebApplication? _worker;
    private ServiceProvider? _otherService;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _broker = await RabbitMqBroker.RequireAsync();
        _virtualHost = await _broker.CreateVirtualHostAsync();
        _sandbox = await LinkedInSandbox.StartAsync(cancellationToken: Cancel);
        _sandbox.Control.CreateApp(ClientId, ClientSecret, programmaticRefresh: true);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["LinkedIn:OAuthBaseUrl"] = _sandbox.BaseAddress.ToString(),
            ["LinkedIn:ApiBaseUrl"] = _sandbox.BaseAddress.ToString(),
            ["LinkedIn:ClientId"] = ClientId,
            ["LinkedIn:ClientSecret"] = ClientSecret,
            ["Storage:DataDirectory"] = _dataDirectory,
            ["Encryption:ActiveKeyId"] = "rabbit-1",
            ["Encryption:Keys:rabbit-1"] = Convert.ToBase64String(new byte[32]),
            ["Refresh:ScanInterval"] = "00:00:01",
            ["Transport:Kind"] = "RabbitMq",
            ["Transport:RabbitMq:Host"] = _broker.Host,
            ["Transport:RabbitMq:Port"] = _broker.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Transport:RabbitMq:VirtualHost"] = _virtualHost,
            ["Transport:RabbitMq:Username"] = _broker.Username,
            ["Transport:RabbitMq:Password"] = _broker.Password,
        });
        builder.AddTokenWorkers();
        _worker = builder.Build();
        _worker.MapTokenWorkersEndpoints();

        // Another service: nothing but the contracts, its own queue on the same broker.
        var other = new ServiceCollection().AddSingleton<EventRecorder>().AddLogging();
        other.AddMassTransit(bus =>
        {
            bus.AddConsumer<EventRecorderConsumer>().Endpoint(endpoint => endpoint.Name = "other-service-connection-events");
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(_broker.Host, (ushort)_broker.Port, _virtualHost, host =>
                {
                    host.Username(_broker.Username);
                    host.Password(_broker.Password);
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
        _otherService = other.BuildServiceProvider();
        await _otherService.GetRequiredService<IBusControl>().StartAsync(Cancel);
        await _worker.StartAsync(Cancel);
    }

    public async ValueTask DisposeAsync()
    {
        if (_worker is not null)
        {
            await _worker.DisposeAsync();
        }

        if (_otherService is not null)
        {
            await _otherService.GetRequiredService<IBusControl>().StopAsync();
            await _otherService.DisposeAsync();
        }

        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DeleteVirtualHostAsync(_virtualHost);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Another_service_receives_TokenRefreshed_and_ReauthRequired_through_its_own_queue()
    {
        var (_, healthyGrant) = await ConnectDueAsync("rabbit-healthy");
        var (_, revokedGrant) = await ConnectDueAsync("rabbit-revoked");
        _sandbox.Control.RevokeGrant(revokedGrant.GrantId);
        var recorder = _otherService!.GetRequiredService<EventRecorder>();

        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>("rabbit-healthy").Count == 1 &&
                                                recorder.Of<ReauthRequired>("rabbit-revoked").Count == 1,
            "the other service to receive both events", TimeSpan.FromSeconds(45));

        Assert.Equal(1, _sandbox.Control.Requests.Count(r => r.GrantId == healthyGrant.GrantId && r.Endpoint == SandboxEndpoint.AccessToken && r.Status == 200));
        Assert.Equal(ReauthReason.GrantRejected, recorder.Of<ReauthRequired>("rabbit-revoked")[0].Reason);
        Assert.Empty(recorder.Of<ReauthRequired>("rabbit-healthy"));
        var stored = await _worker!.Services.GetRequiredService<IConnectionStore>().FindAsync("rabbit-healthy", Cancel);
        Assert.InRange(recorder.Of<TokenRefreshed>("rabbit-healthy")[0].Version, 2, stored!.Version);
        Assert.Equal(stored.AccessTokenExpiresAt, recorder.Of<TokenRefreshed>("rabbit-healthy")[0].AccessTokenExpiresAt);
    }

    private async Task<(Connection Connection, SeededGrant Grant)> ConnectDueAsync(string connectionId)
    {
        var member = _sandbox.Control.CreateMember();
        var grant = _sandbox.Control.SeedGrant(ClientId, member.Sub, "openid", "profile", "w_member_social");
        var now = DateTimeOffset.UtcNow;
        // Stored as if the access token had 5 days left: inside the refresh window, so the next scan dispatches it.
        var granted = (TokenGranted)TokenResponseReader.Read(HttpStatusCode.OK,
            $$"""{"access_token":"{{grant.AccessToken}}","expires_in":432000,"refresh_token":"{{grant.RefreshToken}}","refresh_token_expires_in":{{grant.RefreshTokenExpiresIn}}}""", now);
        var store = _worker!.Services.GetRequiredService<IConnectionStore>();
        var connection = await store.TryInsertAsync(
            NewConnections.FromGrant(connectionId, "t", granted, _worker.Services.GetRequiredService<RefreshSchedule>(), now), Cancel);
        return (connection!, grant);
    }
}
