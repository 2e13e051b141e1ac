using System.Text.Json;
using MassTransit;
using MassTransit.Middleware.Rescue;
using MassTransit.Transports;

namespace TokenWorkers.Hosting;

/// <summary>
/// The dead-letter pipe of the worker's endpoints: a message that no consumer on the queue accepts (an unknown
/// message type, a contract from another service sent to the wrong queue) is moved to the queue's <c>_error</c>
/// queue with a fault reason naming its types, beside the other poison, instead of MassTransit's
/// <c>_skipped</c> queue, which carries no reason and which nobody watches.
/// </summary>
public sealed class UnknownMessageTypeFilter : IFilter<ReceiveContext>
{
    public async Task Send(ReceiveContext context, IPipe<ReceiveContext> next)
    {
        if (!context.TryGetPayload(out IErrorTransport? errorTransport))
        {
            throw new TransportException(context.InputAddress, "The error transport was not available for a message no consumer accepts.");
        }

        var types = string.Join(", ", EnvelopeMessageTypes(context.Body.GetBytes()).DefaultIfEmpty("(none readable)"));
        var reason = new MessageNotConsumedException(context.InputAddress,
            $"No consumer on this queue accepts the message; its types: {types}");
        await errorTransport.Send(new RescueExceptionReceiveContext(context, reason)).ConfigureAwait(false);
        await next.Send(context).ConfigureAwait(false);
    }

    /// <summary>The envelope's <c>messageType</c> list (type URNs, never message content).</summary>
    private static IEnumerable<string> EnvelopeMessageTypes(byte[] body)
    {
        try
        {
            using var envelope = JsonDocument.Parse(body);
            if (envelope.RootElement.ValueKind == JsonValueKind.Object &&
                envelope.RootElement.TryGetProperty("messageType", out var messageTypes) &&
                messageTypes.ValueKind == JsonValueKind.Array)
            {
                return [.. messageTypes.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!)];
            }
        }
        catch (JsonException)
        {
            // Not a JSON envelope: the reason says the types could not be read.
        }

        return [];
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("unknown-message-type-to-error");
}
