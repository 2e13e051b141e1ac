using System.Collections.Concurrent;
using TokenWorkers.Connections;
using TokenWorkers.Events;

namespace TokenWorkers.Telemetry;

/// <summary>
/// Where every part of the worker that meets a connection it cannot read reports it (the scan, the outbox sweep, the
/// admin views, the re-encryption sweep): logged critically once per connection and reason in this process, and flagged
/// in the store, so the due query stops reading it on every scan and every instance's views and gauges agree.
/// </summary>
/// <remarks>
/// A row is flagged when it is not flagged yet, or its flag is older than <see cref="UnreadableRow.RecheckAfter"/> (the
/// due query returned it again to see whether it became readable, and it did not). A view that shows a row flagged
/// recently writes nothing. The flag is conditional on the version read and leaves it unchanged, so it never races a
/// writer: a connection written meanwhile is left alone.
/// </remarks>
public sealed partial class UnreadableConnections(IConnectionStore store, TimeProvider time, ILogger<UnreadableConnections> logger)
{
    private readonly ConcurrentDictionary<(string ConnectionId, UnreadableReason Reason), byte> _logged = new();

    public async Task ReportAsync(IReadOnlyList<UnreadableRow> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var row in rows)
        {
            if (_logged.TryAdd((row.Id, row.Reason), 0))
            {
                LogUnreadable(logger, row.Id, row.Reason, row.Version, row.Message);
            }

            var now = time.GetUtcNow();
            if (row.FlaggedAt is not { } flaggedAt || now - flaggedAt >= UnreadableRow.RecheckAfter)
            {
                await store.TryFlagUnreadableAsync(row, now, cancellationToken);
            }
        }
    }

    [LoggerMessage(EventId = 960, Level = LogLevel.Critical,
        Message = "Connection {ConnectionId} cannot be read ({Reason}, version {Version}) and is skipped; every other connection goes on: {Problem}")]
    private static partial void LogUnreadable(ILogger logger, string connectionId, UnreadableReason reason, long version, string problem);
}
