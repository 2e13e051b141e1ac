using System.Collections.Concurrent;

namespace TokenWorkers.Sandbox.Control;

/// <summary>
/// Queues of pending faults, one per endpoint. A call takes at most one fault; the common case
/// (nothing queued) costs one volatile read.
/// </summary>
internal sealed class FaultInjector
{
    private readonly ConcurrentQueue<SandboxFault>[] _queues =
        SandboxEndpoints.All.Select(_ => new ConcurrentQueue<SandboxFault>()).ToArray();

    private int _pending;

    public void Inject(SandboxEndpoint endpoint, SandboxFault fault, int count)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        for (var i = 0; i < count; i++)
        {
            _queues[(int)endpoint].Enqueue(fault);
            Interlocked.Increment(ref _pending);
        }
    }

    public SandboxFault? Take(SandboxEndpoint endpoint)
    {
        if (Volatile.Read(ref _pending) == 0 || !_queues[(int)endpoint].TryDequeue(out var fault))
        {
            return null;
        }

        Interlocked.Decrement(ref _pending);
        return fault;
    }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Pending =>
        SandboxEndpoints.All
            .Where(e => !_queues[(int)e].IsEmpty)
            .ToDictionary(e => e.Name(), e => (IReadOnlyList<string>)[.. _queues[(int)e].Select(f => f.Name)]);

    public void Clear()
    {
        foreach (var queue in _queues)
        {
            while (queue.TryDequeue(out _))
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }
}
