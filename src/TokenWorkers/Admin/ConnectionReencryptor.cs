using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Outbox;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Admin;

/// <summary>
/// The re-encryption sweep: rewrites every connection still holding a token under another key than the active one, in
/// id-ordered batches, so that no row needs the old key any more and it can be removed from every instance. Each rewrite
/// is the one writer's version-checked write, re-read and retried on a conflict: a refresh storing new tokens meanwhile
/// either wins (and its write is under the active key already) or is redone on top of ours; nothing is overwritten.
/// A connection that cannot be read is reported (so flagged) and listed, never rewritten.
/// </summary>
public sealed partial class ConnectionReencryptor(
    IConnectionStore store,
    AggregateWriter<Connection> writer,
    UnreadableConnections unreadable,
    KeyUsageMonitor keys,
    ILogger<ConnectionReencryptor> logger)
{
    private const int BatchSize = 200;

    public async Task<ReencryptionReport> RunAsync(CancellationToken cancellationToken)
    {
        var examined = 0;
        var reencrypted = 0;
        var bad = new List<UnreadableRow>();
        string? after = null;
        ReadBatch<Connection> batch;
        do
        {
            batch = await store.FindNotUnderActiveKeyAsync(after, BatchSize, cancellationToken);
            examined += batch.Scanned;
            bad.AddRange(batch.Unreadable);
            foreach (var connection in batch)
            {
                try
                {
                    if (await writer.RewriteAsync(connection.ConnectionId, cancellationToken, connection) is not null)
                    {
                        reencrypted++;
                    }
                }
                catch (UnreadableRowException ex) when (ex.Row is { } row)
                {
                    // Read fine a moment ago, unreadable on the re-read after a conflict: reported like the others.
                    bad.Add(row);
                }
            }

            after = batch.LastId;
        }
        while (batch.Scanned == BatchSize);

        await unreadable.ReportAsync(bad, cancellationToken);
        var usage = await store.CountByKeyIdAsync(cancellationToken);
        keys.Record(usage);
        LogSwept(logger, usage.ActiveKeyId, examined, reencrypted, bad.Count, usage.UnderOtherKeys);
        return new ReencryptionReport(examined, reencrypted, bad, usage);
    }

    [LoggerMessage(EventId = 1400, Level = LogLevel.Warning,
        Message = "Re-encryption under key {ActiveKeyId}: {Examined} examined, {Reencrypted} re-encrypted, {Unreadable} unreadable; {UnderOtherKeys} connections still hold a token under another key")]
    private static partial void LogSwept(ILogger logger, string activeKeyId, int examined, int reencrypted, int unreadable, long underOtherKeys);
}

/// <summary>What a re-encryption sweep did, and which keys the store's tokens are under afterwards.</summary>
/// <param name="Examined">Connections the sweep looked at: those under another key or flagged unreadable.</param>
/// <param name="Reencrypted">Connections rewritten under the active key.</param>
/// <param name="Unreadable">Connections that could not be read, so could not be rewritten.</param>
public sealed record ReencryptionReport(int Examined, int Reencrypted, IReadOnlyList<UnreadableRow> Unreadable, KeyUsage After);
