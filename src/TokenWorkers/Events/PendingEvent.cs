namespace TokenWorkers.Events;

/// <summary>
/// An event waiting in an aggregate's outbox: decided together with a state change, written in the same
/// write, published by the writer afterwards and then removed. <see cref="Payload"/> is the contract as JSON.
/// </summary>
/// <param name="TraceParent">
/// The W3C <c>traceparent</c> of the write that decided the event, so a publish by the sweep or a resumed writer continues
/// that trace; null when there was none (and in rows stored before it was kept).
/// </param>
public sealed record PendingEvent(Guid EventId, string Kind, string Payload, DateTimeOffset CreatedAt, string? TraceParent = null);
