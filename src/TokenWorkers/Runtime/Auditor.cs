using Microsoft.Extensions.Options;
using TokenWorkers.Ports;

namespace TokenWorkers.Runtime;

/// <summary>
/// Writes audit records: to the log always (event 730), and to the store's trail, where an operator lists them. The call
/// being audited has already happened, so a record the store cannot take is not an error for the caller: it stays in the
/// log (event 735, with every field) and the store write is given up after a few seconds. Records older than
/// <see cref="AuditOptions.Retention"/> are deleted as new ones arrive, at most once an hour per instance.
/// </summary>
public sealed partial class Auditor(IAuditTrail trail, IOptions<AuditOptions> options, TimeProvider time, ILogger<Auditor> logger)
{
    private static readonly TimeSpan StoreWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);
    private long _nextPruneTicks;

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
            return;
        }

        await PruneAsync(record.At, wait.Token);
    }

    private async Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = Interlocked.Read(ref _nextPruneTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextPruneTicks, (now + PruneEvery).UtcTicks, due) != due)
        {
            return;
        }

        try
        {
            var deleted = await trail.DeleteOlderThanAsync(now - options.Value.Retention, cancellationToken);
            if (deleted > 0)
            {
                LogPruned(logger, deleted, options.Value.Retention);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The next append an hour on tries again; nothing is lost by keeping records longer.
            LogPruneFailed(logger, ex);
        }
    }

    [LoggerMessage(EventId = 736, Level = LogLevel.Information, Message = "Deleted {Count} audit records older than {Retention}")]
    private static partial void LogPruned(ILogger logger, long count, TimeSpan retention);

    [LoggerMessage(EventId = 737, Level = LogLevel.Warning, Message = "Old audit records could not be deleted; trying again later")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 730, Level = LogLevel.Information,
        Message = "Audit: {Actor} {Action} on {Target}: {Status} {Outcome} {Detail} (record {AuditId})")]
    private static partial void LogRecord(ILogger logger, string actor, string action, string? target, int status, AuditOutcome outcome, string? detail, string auditId);

    [LoggerMessage(EventId = 735, Level = LogLevel.Error,
        Message = "Audit record {AuditId} ({Actor} {Action} on {Target}: {Status}) could not be stored; it is kept in this log only")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string auditId, string actor, string action, string? target, int status);
}
