using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;
using TokenWorkers.Contracts;

namespace TokenWorkers.Events;

/// <summary>Converts contract events to and from the outbox's stored form, for connections and posts alike.</summary>
public static class EventCodec
{
    // The stored form keeps enum numbers, as before the contracts travelled by name (1.2), so an earlier worker brought back
    // after an upgrade still reads the events still waiting in its outbox.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters =
        {
            new JsonNumberEnumConverter<ReauthReason>(), new JsonNumberEnumConverter<FailureClass>(), new JsonNumberEnumConverter<PostVisibility>(),
            new JsonNumberEnumConverter<PostHoldReason>(),
        },
    };

    private static readonly FrozenDictionary<string, Type> Kinds = new[]
    {
        typeof(RefreshDue), typeof(TokenRefreshed), typeof(ReauthRequired), typeof(ReauthSoon), typeof(ConnectionRecovered),
        typeof(ConnectionAuthorized), typeof(ConnectionDisconnected), typeof(PostPublished), typeof(PostFailed),
        typeof(PostOutcomeUnknown), typeof(PostScheduled), typeof(PostCancelled), typeof(PostDeleted),
        typeof(PostHeld),
    }.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The stored form of <paramref name="message"/>, a connection or post event, with the trace that decided it.</summary>
    public static PendingEvent ToPending(object message, string? traceParent = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (id, occurredAt) = message switch
        {
            IConnectionEvent e => (e.EventId, e.OccurredAt),
            IPostEvent e => (e.EventId, e.OccurredAt),
            PostDeleted e => (e.EventId, e.OccurredAt),
            _ => throw new ArgumentException($"{message.GetType().Name} is not an event of TokenWorkers' outbox.", nameof(message)),
        };
        if (!Kinds.ContainsKey(message.GetType().Name))
        {
            throw new ArgumentException($"{message.GetType().Name} is not a known outbox kind.", nameof(message));
        }

        return new PendingEvent(id, message.GetType().Name, JsonSerializer.Serialize(message, message.GetType(), Json), occurredAt, traceParent);
    }

    /// <summary>The contract event back from its stored form, with the type to publish it as.</summary>
    public static (object Message, Type Type) FromPending(PendingEvent pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        if (!Kinds.TryGetValue(pending.Kind, out var type))
        {
            throw new InvalidOperationException($"Outbox event {pending.EventId} has unknown kind '{pending.Kind}'.");
        }

        var message = JsonSerializer.Deserialize(pending.Payload, type, Json)
            ?? throw new InvalidOperationException($"Outbox event {pending.EventId} has an empty payload.");
        return (message, type);
    }

    /// <summary><paramref name="aggregate"/> with <paramref name="events"/> appended to its outbox.</summary>
    public static T WithEvents<T>(this T aggregate, params object[] events)
        where T : IVersionedAggregate<T> =>
        aggregate.WithEvents(null, events);

    /// <summary>As <see cref="WithEvents{T}(T, object[])"/>, each event remembering the trace of the write that decided it.</summary>
    public static T WithEvents<T>(this T aggregate, string? traceParent, IReadOnlyList<object> events)
        where T : IVersionedAggregate<T>
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.Count == 0
            ? aggregate
            : aggregate.WithPendingEvents([.. aggregate.PendingEvents, .. events.Select(e => ToPending(e, traceParent))]);
    }
}
