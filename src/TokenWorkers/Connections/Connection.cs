using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Connections;

/// <summary>
/// One member's LinkedIn connection: the document every store keeps, one per connection.
/// Every write replaces it conditionally on <see cref="Version"/>; see <see cref="IConnectionStore"/>.
/// </summary>
public sealed record Connection : IVersionedAggregate<Connection>
{
    /// <summary>The app of connections that name none, and the one today's single-app settings (<c>LinkedIn:ClientId</c>) configure.</summary>
    public const string DefaultApp = "default";

    /// <summary>Chosen by the caller (like a profile key); unique.</summary>
    public required string ConnectionId { get; init; }

    public required string TenantId { get; init; }

    /// <summary>
    /// The LinkedIn app that issued the tokens: its credentials refresh, introspect and revoke them. Connections stored
    /// before apps had names belong to <see cref="DefaultApp"/>.
    /// </summary>
    public string App { get; init; } = DefaultApp;

    /// <summary><c>urn:li:person:{sub}</c>, once known.</summary>
    public string? MemberUrn { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public ConnectionStatus Status { get; init; } = ConnectionStatus.Active;

    /// <summary>Encrypted at rest by the store.</summary>
    public SecretToken? AccessToken { get; init; }

    /// <summary>Encrypted at rest by the store. Absent for apps without programmatic refresh.</summary>
    public SecretToken? RefreshToken { get; init; }

    public DateTimeOffset? AccessTokenExpiresAt { get; init; }

    /// <summary>The refresh token's hard end: fixed at the first grant, never moved by a refresh.</summary>
    public DateTimeOffset? RefreshTokenExpiresAt { get; init; }

    /// <summary>
    /// When the refresh scan must look at this connection next (a refresh, a retry after backoff, a
    /// warning or a deadline); null when nothing is scheduled. The due query is served by an index on it.
    /// </summary>
    public DateTimeOffset? NextRefreshAt { get; init; }

    public DateTimeOffset? LastRefreshedAt { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Incremented by every write; every write is conditional on it.</summary>
    public long Version { get; init; }

    /// <summary>Who may talk to LinkedIn for this connection right now, and until when.</summary>
    public Lease? Lease { get; init; }

    /// <summary>Consecutive failed attempts since the last success.</summary>
    public int FailureCount { get; init; }

    /// <summary>The last failure, kept until the next success; never holds a secret.</summary>
    public ConnectionFailure? LastFailure { get; init; }

    /// <summary>When the current problem period began; null while healthy.</summary>
    public DateTimeOffset? ProblemSince { get; init; }

    /// <summary>Warning thresholds (days before <see cref="WarningDeadline"/>) already announced.</summary>
    public IReadOnlyList<int> ReauthWarningsSent { get; init; } = [];

    /// <summary>The deadline the sent warnings refer to; a new grant brings a new deadline and resets them.</summary>
    public DateTimeOffset? WarningDeadline { get; init; }

    /// <summary>
    /// The outbox: events decided together with a state change and written in the same write,
    /// published afterwards and then removed.
    /// </summary>
    public IReadOnlyList<PendingEvent> PendingEvents { get; init; } = [];

    /// <summary>The newest attempts to obtain or give up tokens, oldest first, at most <see cref="RefreshAttempt.Kept"/>.</summary>
    public IReadOnlyList<RefreshAttempt> Attempts { get; init; } = [];

    /// <inheritdoc />
    public Guid? WriteId { get; init; }

    string IVersionedAggregate<Connection>.Id => ConnectionId;

    public Connection WithPendingEvents(IReadOnlyList<PendingEvent> events) => this with { PendingEvents = events };

    public Connection WithWriteId(Guid writeId) => this with { WriteId = writeId };

    /// <summary>This connection with <paramref name="attempt"/> appended to its timeline, the oldest entries dropped beyond the bound.</summary>
    public Connection WithAttempt(RefreshAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var kept = Attempts.Count >= RefreshAttempt.Kept ? Attempts.Skip(Attempts.Count - RefreshAttempt.Kept + 1) : Attempts;
        return this with { Attempts = [.. kept, attempt] };
    }
}

public enum ConnectionStatus
{
    Active = 1,
    ReauthRequired = 2,
    Disconnected = 3,
}

/// <summary>A lease on a connection: only <see cref="Holder"/> talks to LinkedIn for it until <see cref="Until"/>.</summary>
public sealed record Lease(string Holder, DateTimeOffset Until);

/// <summary>A failed attempt, without any secret.</summary>
public sealed record ConnectionFailure(FailureClass Class, string? ErrorCode, string Message, DateTimeOffset At);
