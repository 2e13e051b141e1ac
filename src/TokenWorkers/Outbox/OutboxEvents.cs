using System.Collections.Frozen;
using System.Text.Json;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;

namespace TokenWorkers.Outbox;

/// <summary>Converts contract events to and from the outbox's stored form.</summary>
public static class OutboxEvents
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly FrozenDictionary<string, Type> Kinds = new[]
    {
        typeof(RefreshDue), typeof(TokenRefreshed), typeof(ReauthRequired), typeof(ReauthSoon), typeof(ConnectionRecovered), typeof(ConnectionAuthorized), typeof(ConnectionDisconnected),
    }.ToFrozenDictionary(t => t.Name, StringComparer.Ordinal);

    public static PendingEvent ToPending(IConnectionEvent message) =>
        new(message.EventId, message.GetType().Name, JsonSerializer.Serialize(message, message.GetType(), Json), message.OccurredAt);

    public static (IConnectionEvent Message, Type Type) FromPending(PendingEvent pending)
    {
        if (!Kinds.TryGetValue(pending.Kind, out var type))
        {
            throw new InvalidOperationException($"Outbox event {pending.EventId} has unknown kind '{pending.Kind}'.");
        }

        var message = (IConnectionEvent?)JsonSerializer.Deserialize(pending.Payload, type, Json)
            ?? throw new InvalidOperationException($"Outbox event {pending.EventId} has an empty payload.");
        return (message, type);
    }

    /// <summary>The connection with <paramref name="events"/> appended to its outbox.</summary>
    public static Connection WithEvents(this Connection connection, params IConnectionEvent[] events) =>
        events.Length == 0
            ? connection
            : connection with { PendingEvents = [.. connection.PendingEvents, .. events.Select(ToPending)] };
}
