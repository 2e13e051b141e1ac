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
    private readonly List<WebApplication> _extraWorkers = [];
    private WebApplication? _worker;
    private ServiceProvider? _otherService;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _broker = await RabbitMqBroker.RequireAsync();
        _virtualHost = await _broker.CreateVirtualHostAsync();
        _sandbox = await LinkedInSandbox.StartAsync(cancellationToken: Cancel);
        _sandbox.Control.CreateApp(ClientId, ClientSecret, programmaticRefresh: true);

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
        _worker = await StartWorkerAsync();
    }

    /// <summary>A worker instance; every instance shares the broker's virtual host and the store's file.</summary>
    private async Task<WebApplication> StartWorkerAsync(IDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        var settings = new Dictionary<string, string?>
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
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTokenWorkers();
        var worker = builder.Build();
        worker.MapTokenWorkersEndpoints();
        _extraWorkers.Add(worker);
        await worker.StartAsync(Cancel);
        return worker;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _extraWorkers)
        {
            await worker.DisposeAsync();
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

    [Fact]
    public async Task A_PublishPost_sent_by_another_service_is_posted_once_and_PostPublished_reaches_its_queue()
    {
        var (connection, grant) = await ConnectDueAsync("rabbit-poster");
        var bus = _otherService!.GetRequiredService<IBus>();
        var command = new PublishPost { PostId = "rabbit-post-1", ConnectionId = "rabbit-poster", Text = "Posted over RabbitMQ" };

        // A command: sent to the worker's queue, by name, with nothing but the contracts. Sent twice at once, as a
        // retrying sender would: one consumer claims the post, the other finds it claimed and leaves it.
        var endpoint = await bus.GetSendEndpoint(new Uri("queue:publish-post"));
        await Task.WhenAll(endpoint.Send(command, Cancel), endpoint.Send(command, Cancel));

        var recorder = _otherService!.GetRequiredService<EventRecorder>();
        IReadOnlyList<PostPublished> Delivered() =>
            [.. recorder.PostDeliveries.OfType<PostPublished>().Where(e => e.PostId == "rabbit-post-1")];
        await PipelineHost.WaitUntilAsync(() => Delivered().Count >= 1, "the other service to receive PostPublished", TimeSpan.FromSeconds(45));

        // Sent again once published: nothing is called, the same event (same EventId) is published again.
        await endpoint.Send(command, Cancel);
        await PipelineHost.WaitUntilAsync(() => Delivered().Count >= 2, "PostPublished again for the resent command", TimeSpan.FromSeconds(30));
        Assert.Single(Delivered().Select(e => e.EventId).Distinct());

        var posts = _sandbox.Control.Requests.Where(r => r.Endpoint == SandboxEndpoint.UgcPosts && r.Status == 201).ToList();
        var post = Assert.Single(posts);
        Assert.Equal(grant.GrantId, post.GrantId);
        var published = Delivered();
        Assert.All(published, e => Assert.Equal("rabbit-poster", e.ConnectionId));
        Assert.All(published, e => Assert.Equal(post.PostUrn, e.Urn));
        Assert.Empty(recorder.Posts<PostFailed>("rabbit-post-1"));
        var stored = await _worker!.Services.GetRequiredService<IConnectionStore>().FindAsync(connection.ConnectionId, Cancel);
        Assert.Equal("urn:li:person:" + post.MemberSub, stored!.MemberUrn);
    }

    [Fact]
    public async Task An_invalid_PublishPost_is_answered_with_PostFailed_and_nothing_reaches_LinkedIn()
    {
        await ConnectDueAsync("rabbit-poster-2");
        var bus = _otherService!.GetRequiredService<IBus>();
        var endpoint = await bus.GetSendEndpoint(new Uri("queue:publish-post"));
        await endpoint.Send(new PublishPost { PostId = "rabbit-post-empty", ConnectionId = "rabbit-poster-2", Text = "   " }, Cancel);

        var recorder = _otherService!.GetRequiredService<EventRecorder>();
        await PipelineHost.WaitUntilAsync(() => recorder.Posts<PostFailed>("rabbit-post-empty").Count == 1,
            "the other service to receive PostFailed", TimeSpan.FromSeconds(30));

        var failed = recorder.Posts<PostFailed>("rabbit-post-empty")[0];
        Assert.Equal(FailureClass.Invalid, failed.FailureClass);
        Assert.False(string.IsNullOrWhiteSpace(failed.Reason));
        Assert.DoesNotContain(_sandbox.Control.Requests, r => r.Endpoint is SandboxEndpoint.UgcPosts or SandboxEndpoint.Posts);
    }

    [Fact]
    public async Task Three_instances_on_one_broker_and_one_store_refresh_2000_due_connections_exactly_once_each()
    {
        await StartWorkerAsync();
        await StartWorkerAsync();
        const int count = 2000;
        var grants = new Dictionary<string, string>();
        for (var i = 0; i < count; i++)
        {
            var (connection, grant) = await ConnectDueAsync($"fleet-{i:0000}");
            grants[connection.ConnectionId] = grant.GrantId;
        }

        var recorder = _otherService!.GetRequiredService<EventRecorder>();
        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>().Count >= count,
            $"{count} TokenRefreshed events at the other service", TimeSpan.FromMinutes(4));
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);

        var exchanges = _sandbox.Control.Requests
            .Where(r => r.Endpoint == SandboxEndpoint.AccessToken && r.GrantType == "refresh_token" && r.Status == 200)
            .GroupBy(r => r.GrantId!)
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.All(grants, g => Assert.Equal(1, exchanges.GetValueOrDefault(g.Value)));
        Assert.Equal(count, recorder.Of<TokenRefreshed>().Select(e => e.ConnectionId).Distinct().Count());
        Assert.Empty(recorder.Of<ReauthRequired>());
        var store = _worker!.Services.GetRequiredService<IConnectionStore>();
        var pending = await store.FindWithPendingEventsAsync(DateTimeOffset.UtcNow, 10, Cancel);
        Assert.Empty(pending);
    }

    [Fact]
    public async Task Poison_messages_end_in_the_error_queue_with_a_reason_and_the_worker_keeps_consuming()
    {
        var factory = new RabbitMQ.Client.ConnectionFactory
        {
            HostName = _broker.Host,
            Port = _broker.Port,
            VirtualHost = _virtualHost,
            UserName = _broker.Username,
            Password = _broker.Password,
        };
        await using var connection = await factory.CreateConnectionAsync(Cancel);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancel);
        var properties = new RabbitMQ.Client.BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() };
        string[] poison =
        [
            "{ this is not json",
            Envelope("""{"eventId":"00000000-0000-0000-0000-000000000001","connectionId":"","tenantId":"t","version":1,"occurredAt":"2026-01-01T00:00:00Z"}"""),
            Envelope("""{"eventId":"00000000-0000-0000-0000-000000000002","connectionId":"nobody","tenantId":"t","version":1,"occurredAt":"2026-01-01T00:00:00Z"}"""),
        ];
        foreach (var body in poison)
        {
            await channel.BasicPublishAsync("refresh-due", "", false, properties, System.Text.Encoding.UTF8.GetBytes(body), Cancel);
        }

        var reasons = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (reasons.Count < poison.Length && DateTime.UtcNow < deadline)
        {
            var got = await TryGetAsync(connection, "refresh-due_error");
            if (got is null)
            {
                await Task.Delay(100, Cancel);
                continue;
            }

            var headers = got.BasicProperties.Headers ?? new Dictionary<string, object?>();
            reasons.Add(headers.TryGetValue("MT-Fault-Message", out var message) && message is byte[] bytes
                ? System.Text.Encoding.UTF8.GetString(bytes)
                : "(no MT-Fault-Message header)");
        }

        Assert.Equal(poison.Length, reasons.Count);
        Assert.All(reasons, r => Assert.NotEqual("(no MT-Fault-Message header)", r));
        Assert.Contains(reasons, r => r.Contains("ConnectionId is required", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("'nobody' does not exist", StringComparison.Ordinal));

        var (_, grant) = await ConnectDueAsync("after-poison");
        var recorder = _otherService!.GetRequiredService<EventRecorder>();
        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>("after-poison").Count == 1, "a refresh after the poison", TimeSpan.FromSeconds(30));
        Assert.Single(_sandbox.Control.Requests, r => r.GrantId == grant.GrantId && r.Endpoint == SandboxEndpoint.AccessToken);
    }

    /// <summary>One message from a queue; null while the queue is empty or not yet declared by MassTransit.</summary>
    private static async Task<RabbitMQ.Client.BasicGetResult?> TryGetAsync(RabbitMQ.Client.IConnection connection, string queue)
    {
        // A get on a missing queue closes the channel, so each attempt uses its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancel);
        try
        {
            return await channel.BasicGetAsync(queue, autoAck: true, Cancel);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }

    private static string Envelope(string message) =>
        $$"""{"messageId":"{{Guid.NewGuid()}}","messageType":["urn:message:TokenWorkers.Contracts:RefreshDue"],"message":{{message}}}""";

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
