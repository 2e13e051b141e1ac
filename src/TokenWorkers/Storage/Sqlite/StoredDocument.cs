using System.Text.Json.Serialization;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>
/// The part of a connection kept in the JSON <c>document</c> column. It is a storage format, separate
/// from the domain model so that renaming a domain property never makes stored rows unreadable.
/// Dates are unix milliseconds, like the indexed columns.
/// </summary>
internal sealed record StoredDocument
{
    public string? MemberUrn { get; init; }

    /// <summary>The connection's LinkedIn app; absent from rows written before apps had names, which belong to the default app.</summary>
    public string? App { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    public long? AccessTokenExpiresAt { get; init; }

    public long? RefreshTokenExpiresAt { get; init; }

    public long? LastRefreshedAt { get; init; }

    public long CreatedAt { get; init; }

    public StoredLease? Lease { get; init; }

    public int FailureCount { get; init; }

    public StoredFailure? LastFailure { get; init; }

    public long? ProblemSince { get; init; }

    public IReadOnlyList<int> ReauthWarningsSent { get; init; } = [];

    public long? WarningDeadline { get; init; }

    public IReadOnlyList<StoredEvent> PendingEvents { get; init; } = [];

    public IReadOnlyList<StoredAttempt> Attempts { get; init; } = [];

    public Guid? WriteId { get; init; }
}

internal sealed record StoredLease(string Holder, long Until);

internal sealed record StoredFailure(FailureClass Class, string? ErrorCode, string Message, long At);

// TraceParent is absent from rows written before it was kept, and left out when null (WhenWritingNull).
internal sealed record StoredEvent(Guid EventId, string Kind, string Payload, long CreatedAt, string? TraceParent = null);

internal sealed record StoredAttempt(long At, AttemptTrigger Trigger, AttemptOutcome Outcome, string? ErrorCode, long Version);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(StoredDocument))]
internal sealed partial class StoredDocumentJsonContext : JsonSerializerContext;
