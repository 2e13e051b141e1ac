using TokenWorkers.Connections;
using TokenWorkers.Posts;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Outbox;

/// <summary>
/// Finds events that were written but not published (the process died between the two, or the broker refused them) in
/// connections and post entries alike, and has the writer publish them. Only events older than a grace period are swept,
/// so it does not race the writer's own, immediate publish. A connection that cannot be read is reported (and so flagged,
/// which keeps it out of the next sweeps) and the others' events go out.
/// </summary>
public sealed class OutboxSweeper(
    IConnectionStore connections,
    IPostLedger posts,
    AggregateWriter<Connection> connectionWriter,
    AggregateWriter<PostEntry> postWriter,
    UnreadableConnections unreadable,
    TimeProvider time,
    ILogger<OutboxSweeper> logger)
{
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);

    /// <summary>Returns how many documents had events published.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken, int batchSize = 500)
    {
        var cutoff = time.GetUtcNow() - Grace;
        var swept = 0;
        var pending = await connections.FindWithPendingEventsAsync(cutoff, batchSize, cancellationToken);
        await unreadable.ReportAsync(pending.Unreadable, cancellationToken);
        foreach (var connection in pending)
        {
            await connectionWriter.FlushAsync(connection, cancellationToken);
            swept++;
        }

        foreach (var post in await posts.FindWithPendingEventsAsync(cutoff, batchSize, cancellationToken))
        {
            await postWriter.FlushAsync(post, cancellationToken);
            swept++;
        }

        if (swept > 0)
        {
            OutboxLog.Swept(logger, swept);
        }

        return swept;
    }
}
