using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using TokenWorkers.Contracts;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// docs/wire-format.md, done as its Python example does it, with nothing but a plain AMQP client (RabbitMQ.Client, no
/// MassTransit): a queue of one's own bound to the events' exchanges, envelopes read with System.Text.Json, and a
/// hand-built PublishPost envelope sent to the worker's queue.
/// </summary>
public sealed class WireFormatTests : IAsyncLifetime
{
    private const string OwnQueue = "example-python.tokenworkers-events";
    private RabbitMqWorkerEnvironment _environment = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        await _environment.StartWorkerAsync();
    }

    public async ValueTask DisposeAsync() => await _environment.DisposeAsync();

    [Fact]
    public async Task A_plain_AMQP_client_hears_events_in_the_documented_envelope_and_posts_with_a_hand_built_command()
    {
        var factory = new ConnectionFactory
        {
            HostName = _environment.Broker.Host,
            Port = _environment.Broker.Port,
            VirtualHost = _environment.VirtualHost,
            UserName = _environment.Broker.Username,
            Password = _environment.Broker.Password,
        };
        await using var connection = await factory.CreateConnectionAsync(Cancel);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: Cancel);
        await channel.QueueDeclareAsync(OwnQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: Cancel);
        foreach (var exchange in new[] { "TokenWorkers.Contracts:ReauthRequired", "TokenWorkers.Contracts:PostPublished" })
        {
            // Declared as MassTransit declares it, so whichever side comes first, the other agrees.
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: Cancel);
            await channel.QueueBindAsync(OwnQueue, exchange, routingKey: "", cancellationToken: Cancel);
        }

        var (_, revoked) = await _environment.ConnectDueAsync("wire-revoked");
        _environment.Sandbox.Control.RevokeGrant(revoked.GrantId);
        var (contentType, reauth) = await ReceiveAsync(channel, "urn:message:TokenWorkers.Contracts:ReauthRequired");

        Assert.Equal("application/vnd.masstransit+json", contentType);
        Assert.True(Guid.TryParse(reauth.GetProperty("messageId").GetString(), out _));
        Assert.Equal(["urn:message:TokenWorkers.Contracts:ReauthRequired", "urn:message:TokenWorkers.Contracts:IConnectionEvent"],
            reauth.GetProperty("messageType").EnumerateArray().Select(t => t.GetString()));
        Assert.True(reauth.GetProperty("sentTime").TryGetDateTimeOffset(out _));
        Assert.Equal(JsonValueKind.Object, reauth.GetProperty("headers").ValueKind);
        var message = reauth.GetProperty("message");
        Assert.Equal("wire-revoked", message.GetProperty("connectionId").GetString());
        Assert.Equal("GrantRejected", message.GetProperty("reason").GetString());
        Assert.Equal("Reauth", message.GetProperty("failureClass").GetString());
        // A MassTransit subscriber with the contracts and default options reads the same event.
        await PipelineHost.WaitUntilAsync(() => _environment.OtherService.Of<ReauthRequired>("wire-revoked").Count == 1,
            "the MassTransit subscriber to read ReauthRequired", TimeSpan.FromSeconds(30));
        Assert.Equal(ReauthReason.GrantRejected, _environment.OtherService.Of<ReauthRequired>("wire-revoked")[0].Reason);

        await _environment.ConnectAsync("wire-poster", TimeSpan.FromDays(60));
        var envelope = $$"""
            {
              "messageId": "{{Guid.NewGuid()}}",
              "messageType": ["urn:message:TokenWorkers.Contracts:PublishPost"],
              "message": { "postId": "wire-post-1", "connectionId": "wire-poster", "text": "Sent without MassTransit", "visibility": "Connections" }
            }
            """;
        var properties = new BasicProperties
        {
            ContentType = "application/vnd.masstransit+json",
            MessageId = Guid.NewGuid().ToString(),
            DeliveryMode = DeliveryModes.Persistent,
        };
        // The default exchange routes by queue name: the command goes to the worker's queue and nowhere else.
        await channel.BasicPublishAsync("", "tokenworkers-publish-post", mandatory: true, properties, Encoding.UTF8.GetBytes(envelope), Cancel);

        var (_, published) = await ReceiveAsync(channel, "urn:message:TokenWorkers.Contracts:PostPublished");
        Assert.Equal("wire-post-1", published.GetProperty("message").GetProperty("postId").GetString());
        var post = Assert.Single(_environment.Sandbox.Control.Requests, r => r.Endpoint == TokenWorkers.Sandbox.SandboxEndpoint.UgcPosts && r.Status == 201);
        Assert.Equal(post.PostUrn, published.GetProperty("message").GetProperty("urn").GetString());
    }

    /// <summary>The next envelope on the own queue whose first message type is <paramref name="messageType"/>; others are acknowledged and skipped.</summary>
    private static async Task<(string? ContentType, JsonElement Envelope)> ReceiveAsync(IChannel channel, string messageType)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (DateTime.UtcNow < deadline)
        {
            if (await channel.BasicGetAsync(OwnQueue, autoAck: true, Cancel) is not { } got)
            {
                await Task.Delay(100, Cancel);
                continue;
            }

            using var json = JsonDocument.Parse(got.Body);
            if (json.RootElement.GetProperty("messageType")[0].GetString() == messageType)
            {
                return (got.BasicProperties.ContentType, json.RootElement.Clone());
            }
        }

        throw new TimeoutException($"No {messageType} reached {OwnQueue} within 45 s");
    }
}
