namespace TokenWorkers.Outbox;

/// <summary>What <see cref="AggregateWriter{T}"/> came to: the latest known state (null when missing), and whether this call changed it.</summary>
public sealed record Written<T>(T? Current, bool Changed)
    where T : class;
