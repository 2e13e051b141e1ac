using System.Text;
using RabbitMQ.Client;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Chaos;

/// <summary>A message MassTransit moved to an <c>_error</c> queue, with the reason its headers give (null: none).</summary>
internal sealed record ErrorMessage(string Queue, string? Reason, string? ExceptionType);

/// <summary>
/// Reads every message of every <c>_error</c> queue over AMQP (the node runs without the management plugin), looks at
/// MassTransit's fault headers and puts the message back, so the queue is left as it was found.
/// </summary>
internal static class ErrorQueues
{
    public static async Task<IReadOnlyList<ErrorMessage>> ReadAsync(RabbitMqBroker broker, string virtualHost, CancellationToken cancellationToken)
    {
        var listing = await broker.ListQueuesAsync(virtualHost);
        var queues = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t', ' ')[0])
            .Where(name => name.EndsWith("_error", StringComparison.Ordinal))
            .ToArray();
        if (queues.Length == 0)
        {
            return [];
        }

        var factory = new ConnectionFactory
        {
            HostName = broker.Host,
            Port = broker.Port,
            VirtualHost = virtualHost,
            UserName = broker.Username,
            Password = broker.Password,
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var found = new List<ErrorMessage>();
        foreach (var queue in queues)
        {
            var taken = new List<ulong>();
            while (await channel.BasicGetAsync(queue, autoAck: false, cancellationToken) is { } message)
            {
                taken.Add(message.DeliveryTag);
                var headers = message.BasicProperties.Headers;
                found.Add(new ErrorMessage(queue, Header(headers, "MT-Fault-Message"), Header(headers, "MT-Fault-ExceptionType")));
            }

            foreach (var tag in taken)
            {
                await channel.BasicNackAsync(tag, multiple: false, requeue: true, cancellationToken);
            }
        }

        return found;
    }

    private static string? Header(IDictionary<string, object?>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var value)
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                null => null,
                _ => value.ToString(),
            }
            : null;
}
