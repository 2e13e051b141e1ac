using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// Delivers every RefreshDue to every worker instance. Each instance runs in a virtual host of its own on the same
/// broker (and shares the store with the others); whatever RefreshDue one announces is copied, as the same bytes, to
/// the <c>tokenworkers-refresh-due</c> queue of every other instance. So each announcement reaches each instance exactly once, and
/// the instances race for every connection through the store alone: the worst case competing consumers can produce.
/// </summary>
public sealed class RefreshDueFanout : IAsyncDisposable
{
    private const string Announcements = "TokenWorkers.Contracts:RefreshDue";
    private const string WorkersQueueExchange = "tokenworkers-refresh-due";

    private readonly List<IConnection> _connections = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _announced = [];

    private RefreshDueFanout()
    {
    }

    /// <summary>Instances the announcements reach: one per virtual host.</summary>
    public int Instances { get; private set; }

    /// <summary>RefreshDue announcements seen, each delivered once to every instance.</summary>
    public int Announced
    {
        get
        {
            lock (_gate)
            {
                return _announced.Values.Sum();
            }
        }
    }

    /// <summary>RefreshDue deliveries to the instances: every announcement, once per instance.</summary>
    public int Deliveries => Announced * Instances;

    /// <summary>Starts copying between the instances' <paramref name="virtualHosts"/>; each must already hold a started worker.</summary>
    public static async Task<RefreshDueFanout> StartAsync(RabbitMqBroker broker, IReadOnlyList<string> virtualHosts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(virtualHosts);
        var fanout = new RefreshDueFanout { Instances = virtualHosts.Count };
        try
        {
            var targets = new List<(string VirtualHost, IChannel Channel, SemaphoreSlim Gate)>();
            foreach (var virtualHost in virtualHosts)
            {
                var connection = await fanout.ConnectAsync(broker, virtualHost, cancellationToken);
                targets.Add((virtualHost, await connection.CreateChannelAsync(cancellationToken: cancellationToken), new SemaphoreSlim(1)));
            }

            foreach (var virtualHost in virtualHosts)
            {
                var connection = await fanout.ConnectAsync(broker, virtualHost, cancellationToken);
                await fanout.ForwardAsync(connection, [.. targets.Where(t => t.VirtualHost != virtualHost).Select(t => (t.Channel, t.Gate))], cancellationToken);
            }

            return fanout;
        }
        catch
        {
            await fanout.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.CloseAsync();
            connection.Dispose();
        }
    }

    private async Task<IConnection> ConnectAsync(RabbitMqBroker broker, string virtualHost, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            HostName = broker.Host,
            Port = broker.Port,
            VirtualHost = virtualHost,
            UserName = broker.Username,
            Password = broker.Password,
        };
        var connection = await factory.CreateConnectionAsync(cancellationToken);
        _connections.Add(connection);
        return connection;
    }

    private async Task ForwardAsync(IConnection source, IReadOnlyList<(IChannel Channel, SemaphoreSlim Gate)> targets, CancellationToken cancellationToken)
    {
        var channel = await source.CreateChannelAsync(cancellationToken: cancellationToken);
        // As MassTransit declares it, so whichever of the two comes first, the other agrees.
        await channel.ExchangeDeclareAsync(Announcements, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellationToken);
        var queue = await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: cancellationToken);
        await channel.QueueBindAsync(queue.QueueName, Announcements, "", cancellationToken: cancellationToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var properties = new BasicProperties
            {
                ContentType = delivery.BasicProperties.ContentType,
                MessageId = delivery.BasicProperties.MessageId,
                DeliveryMode = delivery.BasicProperties.DeliveryMode,
                Headers = delivery.BasicProperties.Headers is { } headers ? new Dictionary<string, object?>(headers) : null,
            };
            foreach (var (target, gate) in targets)
            {
                // A channel is not for concurrent publishers, and every source forwards to every other target.
                await gate.WaitAsync(CancellationToken.None);
                try
                {
                    await target.BasicPublishAsync(WorkersQueueExchange, "", mandatory: false, properties, delivery.Body, CancellationToken.None);
                }
                finally
                {
                    gate.Release();
                }
            }

            Seen(delivery.Body);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: false, consumer, cancellationToken);
    }

    private void Seen(ReadOnlyMemory<byte> envelope)
    {
        using var json = JsonDocument.Parse(envelope);
        var connectionId = json.RootElement.GetProperty("message").GetProperty("connectionId").GetString() ?? "";
        lock (_gate)
        {
            _announced[connectionId] = _announced.GetValueOrDefault(connectionId) + 1;
        }
    }
}
