using MassTransit;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>
/// Makes the broker refuse the next publishes of one message type, as a broker that went away between a store's
/// write and the publish would: the point where a crash loses an event unless it waits in an outbox.
/// </summary>
public sealed class PublishFaults
{
    private readonly Lock _gate = new();
    private readonly List<object> _refused = [];
    private Type? _type;
    private int _remaining;

    /// <summary>The messages refused so far.</summary>
    public IReadOnlyList<object> Refused
    {
        get
        {
            lock (_gate)
            {
                return [.. _refused];
            }
        }
    }

    public void RefuseNext<T>(int count = 1)
    {
        lock (_gate)
        {
            _type = typeof(T);
            _remaining = count;
        }
    }

    /// <summary>Called for every publish, before it reaches the transport.</summary>
    public void Check(PublishContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        lock (_gate)
        {
            if (_remaining == 0 || _type is null || !context.GetType().GetInterfaces().Any(i =>
                    i.IsGenericType && i.GetGenericTypeDefinition() == typeof(PublishContext<>) && i.GetGenericArguments()[0] == _type))
            {
                return;
            }

            _remaining--;
            _refused.Add(context.GetType().GetProperty(nameof(PublishContext<object>.Message))!.GetValue(context)!);
        }

        throw new InvalidOperationException("The broker refused the publish (injected by the test).");
    }
}
