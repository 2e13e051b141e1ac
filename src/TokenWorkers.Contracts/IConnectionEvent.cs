namespace TokenWorkers.Contracts;

/// <summary>
/// What every TokenWorkers event carries, so that subscribers can order and de-duplicate them.
/// </summary>
public interface IConnectionEvent
{
    /// <summary>
    /// Deterministic for (connection, version, kind): a redelivered or re-published event keeps its id,
    /// so a subscriber drops duplicates by remembering ids. Also used as the message id.
    /// </summary>
    Guid EventId { get; }

    /// <summary>The connection's id, chosen by the service that connected it.</summary>
    string ConnectionId { get; }

    /// <summary>The tenant that owns the connection.</summary>
    string TenantId { get; }

    /// <summary>The connection's version after the state change that decided this event; it only grows.</summary>
    long Version { get; }

    /// <summary>When the state change happened (UTC).</summary>
    DateTimeOffset OccurredAt { get; }
}
