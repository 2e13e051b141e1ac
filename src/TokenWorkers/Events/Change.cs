namespace TokenWorkers.Events;

/// <summary>
/// A decided state change: the next state of an aggregate and the events it raises. <see cref="Events"/> go to the
/// aggregate's outbox in the same write (never lost); <see cref="Notices"/> are published after a winning write only,
/// for messages whose loss something else repairs (a <c>RefreshDue</c> is dispatched again when its claim lapses).
/// </summary>
public sealed record Change<T>(T Next, IReadOnlyList<object> Events, IReadOnlyList<object> Notices)
{
    public Change(T next, params object[] events)
        : this(next, events, [])
    {
    }
}
