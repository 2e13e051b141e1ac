using TokenWorkers.Connections;
using TokenWorkers.Contracts;

namespace TokenWorkers.Storage.Mongo;

// The persisted shape of a Connection. Element names and BSON types are fixed in ConnectionDocumentMaps,
// not by conventions; ConnectionDocumentMapper converts from and to the domain record.

internal sealed class ConnectionDocument
{
    public string Id { get; set; } = "";

    public string TenantId { get; set; } = "";

    public string? MemberUrn { get; set; }

    /// <summary>Absent from documents written before apps had names: they belong to the default app.</summary>
    public string? App { get; set; }

    public List<string> Scopes { get; set; } = [];

    public ConnectionStatus Status { get; set; }

    public TokenDocument? AccessToken { get; set; }

    public TokenDocument? RefreshToken { get; set; }

    public DateTime? AccessTokenExpiresAt { get; set; }

    public DateTime? RefreshTokenExpiresAt { get; set; }

    public DateTime? NextRefreshAt { get; set; }

    public DateTime? LastRefreshedAt { get; set; }

    public DateTime CreatedAt { get; set; }

    public long Version { get; set; }

    public LeaseDocument? Lease { get; set; }

    public int FailureCount { get; set; }

    public FailureDocument? LastFailure { get; set; }

    public DateTime? ProblemSince { get; set; }

    public List<int> ReauthWarningsSent { get; set; } = [];

    public DateTime? WarningDeadline { get; set; }

    public List<PendingEventDocument> PendingEvents { get; set; } = [];

    public List<AttemptDocument> Attempts { get; set; } = [];

    /// <summary>The earliest <see cref="PendingEventDocument.CreatedAt"/>; null when the outbox is empty. Indexed for the sweeper.</summary>
    public DateTime? OldestPendingAt { get; set; }

    /// <summary>Set when an instance could not read the document; every write of a readable state clears it (null).</summary>
    public UnreadableDocument? Unreadable { get; set; }

    public Guid? WriteId { get; set; }
}

internal sealed class UnreadableDocument
{
    public string Reason { get; set; } = "";

    public string Message { get; set; } = "";

    public DateTime At { get; set; }
}

internal sealed class TokenDocument
{
    public string KeyId { get; set; } = "";

    public byte[] Data { get; set; } = [];
}

internal sealed class LeaseDocument
{
    public string Holder { get; set; } = "";

    public DateTime Until { get; set; }
}

internal sealed class FailureDocument
{
    public FailureClass Class { get; set; }

    public string? ErrorCode { get; set; }

    public string Message { get; set; } = "";

    public DateTime At { get; set; }
}

internal sealed class PendingEventDocument
{
    public Guid EventId { get; set; }

    public string Kind { get; set; } = "";

    public string Payload { get; set; } = "";

    public DateTime CreatedAt { get; set; }

    public string? TraceParent { get; set; }
}

internal sealed class AttemptDocument
{
    public DateTime At { get; set; }

    public AttemptTrigger Trigger { get; set; }

    public AttemptOutcome Outcome { get; set; }

    public string? ErrorCode { get; set; }

    public long Version { get; set; }
}
