using TokenWorkers.Ports;

namespace TokenWorkers.Runtime;

/// <summary>
/// Writes audit records: to the log always (event 730), and to the store's trail, where an operator lists them. The call
/// being audited has already happened, so a record the store cannot take is not an error for the caller: it stays in the
/// log (event 735, with every field) and the store write is given up after a few seconds.
/// </summary>
public sealed partial class Auditor(IAuditTrail trail, TimeProvider time, ILogger<Auditor> logger)
{
    private static readonly TimeSpan StoreWait = TimeSpan.FromSeconds(5);

    public async Task RecordAsync(string actor, string action, string? target, int status, string? detail = null)
    {
        var record = AuditRecord.New(time.GetUtcNow(), actor, action, target, status, detail);
        LogRecord(logger, record.Actor, record.Action, record.Target, record.Status, record.Outcome, record.Detail, record.Id);
        // The caller's cancellation does not apply: the client hanging up does not undo what it did.
        using var wait = new CancellationTokenSource(StoreWait, time);
        try
        {
            await trail.AppendAsync(record, wait.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogNotStored(logger, ex, record.Id, record.Actor, record.Action, record.Target, record.Status);
        }
    }

    [LoggerMessage(EventId = 730, Level = LogLevel.Information,
        Message = "Audit: {Actor} {Action} on {Target}: {Status} {Outcome} {Detail} (record {AuditId})")]
    private static partial void LogRecord(ILogger logger, string actor, string action, string? target, int status, AuditOutcome outcome, string? detail, string auditId);

    [LoggerMessage(EventId = 735, Level = LogLevel.Error,
        Message = "Audit record {AuditId} ({Actor} {Action} on {Target}: {Status}) could not be stored; it is kept in this log only")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string auditId, string actor, string action, string? target, int status);
}
