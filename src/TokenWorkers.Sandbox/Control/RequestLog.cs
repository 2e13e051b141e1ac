using System.Collections.Concurrent;

namespace TokenWorkers.Sandbox.Control;

/// <summary>The request record: an append-only, lock-free queue, trimmed from the front past its capacity.</summary>
internal sealed class RequestLog(int capacity)
{
    private Entries _entries = new();
    private long _sequence;

    public long NextSequence() => Interlocked.Increment(ref _sequence);

    public void Append(SandboxRequest request)
    {
        var entries = Volatile.Read(ref _entries);
        entries.Queue.Enqueue(request);
        if (Interlocked.Increment(ref entries.Count) > capacity && entries.Queue.TryDequeue(out _))
        {
            Interlocked.Decrement(ref entries.Count);
        }
    }

    public IReadOnlyList<SandboxRequest> Snapshot() =>
        [.. Volatile.Read(ref _entries).Queue.OrderBy(r => r.Sequence)];

    public void Reset() => Interlocked.Exchange(ref _entries, new Entries());

    private sealed class Entries
    {
        public readonly ConcurrentQueue<SandboxRequest> Queue = new();
        public int Count;
    }
}

/// <summary>What a handler learns about a call, filled in as it goes and written to the record at the end.</summary>
internal sealed class CallRecord(SandboxEndpoint endpoint)
{
    public SandboxEndpoint Endpoint { get; } = endpoint;

    public string? GrantType { get; set; }

    public string? ClientId { get; set; }

    public string? MemberSub { get; set; }

    public string? GrantId { get; set; }

    public string? TokenFingerprint { get; set; }

    public string? IssuedTokenFingerprint { get; set; }

    public string Outcome { get; set; } = "ok";

    public string? PostUrn { get; set; }

    public void Use(State.Grant grant)
    {
        GrantId = grant.Id;
        ClientId = grant.ClientId;
        MemberSub = grant.MemberSub;
    }
}
