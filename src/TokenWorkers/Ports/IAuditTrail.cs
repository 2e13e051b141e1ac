namespace TokenWorkers.Ports;

/// <summary>
/// One state-changing call, as the audit trail keeps it: who (an admin key's name, or the connect flow), what (the route
/// or the flow's step), on what, with which outcome, when. Never a secret: no body, no query string, no token.
/// </summary>
/// <param name="Id">Sortable by time (a version 7 UUID in hex), so the newest records come first by id.</param>
/// <param name="Status">The HTTP status answered, or for the connect flow the status of the page shown.</param>
/// <param name="Detail">Why a call was refused or failed, in words; null when it succeeded.</param>
public sealed record AuditRecord(
    string Id, DateTimeOffset At, string Actor, string Action, string? Target, int Status, AuditOutcome Outcome, string? Detail = null)
{
    /// <summary>A new record with a fresh time-ordered id.</summary>
    public static AuditRecord New(DateTimeOffset at, string actor, string action, string? target, int status, string? detail = null) =>
        new(Guid.CreateVersion7(at).ToString("N"), at, actor, action, target, status, OutcomeOf(status), detail);

    public static AuditOutcome OutcomeOf(int status) => status switch
    {
        < 400 => AuditOutcome.Succeeded,
        401 or 403 => AuditOutcome.Refused,
        _ => AuditOutcome.Failed,
    };
}

public enum AuditOutcome
{
    Succeeded,

    /// <summary>The caller was not allowed (missing scope, a reconnect as another member): nothing changed.</summary>
    Refused,

    /// <summary>Allowed, but the call did not succeed (unknown connection, conflict, LinkedIn failed).</summary>
    Failed,
}

/// <summary>Which records <see cref="IAuditTrail.ListAsync"/> returns: newest first, older than <see cref="Before"/>.</summary>
public sealed record AuditQuery(int Limit, string? Before = null, string? Target = null, string? Actor = null);

/// <summary>The audit trail in the store: every instance appends, an operator lists.</summary>
public interface IAuditTrail
{
    /// <summary>Creates what the trail needs (table, collection, indexes); idempotent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    Task<IReadOnlyList<AuditRecord>> ListAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes records made before <paramref name="before"/> (the retention period); returns how many.</summary>
    Task<long> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
