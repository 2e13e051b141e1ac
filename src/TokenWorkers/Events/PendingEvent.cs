namespace TokenWorkers.Events;

/// <summary>
/// An event waiting in an aggregate's outbox: decided together with a state change, written in the same
/// write, published by the writer afterwards and then removed. <see cref="Payload"/> is the contract as JSON.
/// </summary>
public sealed record PendingEvent(Guid EventId, string Kind, string Payload, DateTimeOffset CreatedAt);
