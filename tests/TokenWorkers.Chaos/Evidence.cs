using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;

namespace TokenWorkers.Chaos;

/// <summary>One request in the sandbox's record (GET /_sandbox/requests), as its JSON names it.</summary>
internal sealed record SandboxCall(
    long Sequence, DateTimeOffset Time, string Endpoint, string? GrantType, string? GrantId, string? TokenFingerprint,
    string? IssuedTokenFingerprint, int Status, string Outcome, string? Fault, string? PostUrn, DateTimeOffset AnsweredAt, string? Host);

/// <summary>A post LinkedIn created (GET /_sandbox/posts).</summary>
internal sealed record SandboxPostView(string Urn, string Text, string GrantId, DateTimeOffset CreatedAt);

/// <summary>A grant as LinkedIn holds it (GET /_sandbox/grants): its current refresh token's fingerprint and hard end.</summary>
internal sealed record SandboxGrantView(
    string GrantId, string MemberSub, bool IsRevoked, DateTimeOffset RefreshTokenExpiresAt, string? RefreshTokenFingerprint);

/// <summary>A connection the harness created: which grant and member stand behind it.</summary>
internal sealed record SeededConnection(string ConnectionId, string GrantId, string MemberSub, int Wave, DateTimeOffset At);

/// <summary>A member who revoked the app and came back through the connect flow: the grant behind the connection since <see cref="At"/>.</summary>
internal sealed record Reconnection(string ConnectionId, string GrantId, DateTimeOffset At);

/// <summary>A PostId the sender used: its connection and text, and whether the broker confirmed at least one send.</summary>
internal sealed class SentPost(string postId, string connectionId, string text)
{
    public string PostId { get; } = postId;

    public string ConnectionId { get; } = connectionId;

    public string Text { get; } = text;

    public int Sends { get; set; }

    public bool Confirmed { get; set; }
}

/// <summary>Everything the invariants are judged on, gathered after the run.</summary>
internal sealed record Evidence
{
    public required ChaosOptions Options { get; init; }

    public required IReadOnlyList<Kill> Kills { get; init; }

    public required IReadOnlyDictionary<string, int> SlotByHost { get; init; }

    public required IReadOnlyList<SeededConnection> Connections { get; init; }

    public required IReadOnlyDictionary<string, DateTimeOffset> Revoked { get; init; }

    public required IReadOnlyList<Reconnection> Reconnections { get; init; }

    public required IReadOnlyList<SentPost> Posts { get; init; }

    public required IReadOnlyList<SandboxCall> Calls { get; init; }

    public required IReadOnlyList<SandboxPostView> CreatedPosts { get; init; }

    public required IReadOnlyList<SandboxGrantView> Grants { get; init; }

    public required IReadOnlyList<Connection> Stored { get; init; }

    public required IReadOnlyDictionary<string, PostEntry?> Ledger { get; init; }

    public required IReadOnlyList<IConnectionEvent> ConnectionEvents { get; init; }

    public required IReadOnlyList<IPostEvent> PostEvents { get; init; }

    public required IReadOnlyList<(string Name, string Output)> Outputs { get; init; }

    /// <summary>Values that must never appear in any output, by what they are (the kind is printed, never the value).</summary>
    public required IReadOnlyList<(string Kind, string Value)> Secrets { get; init; }

    public required IReadOnlyList<ErrorMessage> ErrorMessages { get; init; }

    public required DateTimeOffset EndedAt { get; init; }
}
