using System.Net;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;
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
    private RabbitMqWorkerEnvironment _environment = null!;
    private RabbitMqBroker _broker = null!;
    private string _virtualHost = "/";
    private LinkedInSandbox _sandbox = null!;
    private WebApplication? _worker;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        _broker = _environment.Broker;
        _virtualHost = _environment.VirtualHost;
        _sandbox = _environment.Sandbox;
        _worker = await _environment.StartWorkerAsync();
    }

    private Task<WebApplication> StartWorkerAsync() => _environment.StartWorkerAsync();

    public async ValueTask DisposeAsync() => await _environment.DisposeAsync();

    [Fact]
    public async Task Another_service_receives_TokenRefreshed_and_ReauthRequired_through_its_own_queue()
    {
        var (_, healthyGrant) = await ConnectDueAsync("rabbit-healthy");
        var (_, revokedGrant) = await ConnectDueAsync("rabbit-revoked");
        _sandbox.Control.RevokeGrant(revokedGrant.GrantId);
        var recorder = _environment.OtherService;

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
        var bus = _environment.OtherServiceBus;
        var command = new PublishPost { PostId = "rabbit-post-1", ConnectionId = "rabbit-poster", Text = "Posted over RabbitMQ" };

        // A command: sent to the worker's queue, by name, with nothing but the contracts. Sent twice at once, as a
        // retrying sender would: one consumer claims the post, the other finds it claimed and leaves it.
        var endpoint = await bus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"));
        await Task.WhenAll(endpoint.Send(command, Cancel), endpoint.Send(command, Cancel));

        var recorder = _environment.OtherService;
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
        var bus = _environment.OtherServiceBus;
        var endpoint = await bus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"));
        await endpoint.Send(new PublishPost { PostId = "rabbit-post-empty", ConnectionId = "rabbit-poster-2", Text = "   " }, Cancel);

        var recorder = _environment.OtherService;
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

        var recorder = _environment.OtherService;
        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>().Count >= count,
            $"{count} TokenRefreshed events at the other service", TimeSpan.FromMinutes(4));
        await Task.Delay(TimeSpan.FromSeconds(2), Cancel);

        var exchanges = _environment.RefreshExchangesByGrant().ToDictionary(e => e.Key, e => e.Value.Count);
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
            // From a sender whose contracts lack a property this worker's contracts require (docs/contracts-versioning.md).
            Envelope("""{"eventId":"00000000-0000-0000-0000-000000000003","tenantId":"t","version":1,"occurredAt":"2026-01-01T00:00:00Z"}"""),
            Envelope("""{"anything":1}""", "urn:message:Elsewhere.Contracts:SomethingElse"),
        ];
        foreach (var body in poison)
        {
            await channel.BasicPublishAsync("tokenworkers-refresh-due", "", false, properties, System.Text.Encoding.UTF8.GetBytes(body), Cancel);
        }

        var reasons = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (reasons.Count < poison.Length && DateTime.UtcNow < deadline)
        {
            var got = await TryGetAsync(connection, "tokenworkers-refresh-due_error");
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
        Assert.Contains(reasons, r => r.Contains("missing required properties including: 'connectionId'", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("No consumer on this queue accepts the message", StringComparison.Ordinal) &&
                                      r.Contains("urn:message:Elsewhere.Contracts:SomethingElse", StringComparison.Ordinal));

        Assert.Null(await TryGetAsync(connection, "tokenworkers-refresh-due_skipped"));

        var (_, grant) = await ConnectDueAsync("after-poison");
        var recorder = _environment.OtherService;
        await PipelineHost.WaitUntilAsync(() => recorder.Of<TokenRefreshed>("after-poison").Count == 1, "a refresh after the poison", TimeSpan.FromSeconds(30));
        Assert.Single(_sandbox.Control.Requests, r => r.GrantId == grant.GrantId && r.Endpoint == SandboxEndpoint.AccessToken);
    }

    /// <summary>One message from a queue; null while the queue is empty or not yet declared by MassTransit.</summary>
    internal static async Task<RabbitMQ.Client.BasicGetResult?> TryGetAsync(RabbitMQ.Client.IConnection connection, string queue)
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

    internal static string Envelope(string message, string messageType = "urn:message:TokenWorkers.Contracts:RefreshDue") =>
        $$"""{"messageId":"{{Guid.NewGuid()}}","messageType":["{{messageType}}"],"message":{{message}}}""";

    private Task<(Connection Connection, SeededGrant Grant)> ConnectDueAsync(string connectionId) => _environment.ConnectDueAsync(connectionId);
}
