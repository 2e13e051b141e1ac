using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Messaging;
using TokenWorkers.Outbox;
using TokenWorkers.Posts;

namespace TokenWorkers.Publishing;

/// <summary>
/// Finds posts that can move again and sends them to the PublishPost queue: those whose NotBefore has passed (a reset
/// rate limit, a lost message, an unknown outcome to settle) and those awaiting re-authorization whose connection is
/// active again with a newer version. Each dispatch is claimed by a transition of the entry first, so two instances
/// scanning together dispatch a post once.
/// </summary>
public sealed partial class PostResumer(
    IPostLedger ledger,
    IConnectionStore store,
    AggregateWriter<PostEntry> writer,
    CommandSender sender,
    TimeProvider time,
    IOptions<PublishingOptions> options,
    ILogger<PostResumer> logger)
{
    private readonly PublishingOptions _options = options.Value;

    /// <summary>Returns how many posts were dispatched (at most <see cref="PublishingOptions.ScanBatchSize"/>).</summary>
    public async Task<int> ScanAsync(CancellationToken cancellationToken)
    {
        var budget = _options.ScanBatchSize;
        var dispatched = 0;
        foreach (var due in await ledger.FindDueAsync(time.GetUtcNow(), budget, cancellationToken))
        {
            var claimed = await writer.UpdateAsync(due.PostId, (e, now) => PostTransitions.Redispatch(e, now, _options.RedispatchAfter), cancellationToken, due);
            if (claimed.Changed)
            {
                await DispatchAsync(claimed.Current!, cancellationToken);
                dispatched++;
            }
        }

        string? after = null;
        while (dispatched < budget)
        {
            var page = await ledger.FindAwaitingReauthAsync(after, budget, cancellationToken);
            if (page.Count == 0)
            {
                break;
            }

            after = page[^1].PostId;
            foreach (var waiting in page.TakeWhile(_ => dispatched < budget))
            {
                var connection = await store.FindAsync(waiting.ConnectionId, cancellationToken);
                if (connection is not { Status: ConnectionStatus.Active } || connection.Version <= waiting.AwaitingConnectionVersion)
                {
                    continue;
                }

                var resumed = await writer.UpdateAsync(
                    waiting.PostId, (e, now) => PostTransitions.Resume(e, now, waiting.AwaitingConnectionVersion, _options.RedispatchAfter), cancellationToken, waiting);
                if (resumed.Changed)
                {
                    LogReconnected(logger, waiting.PostId, connection.ConnectionId, connection.Version);
                    await DispatchAsync(resumed.Current!, cancellationToken);
                    dispatched++;
                }
            }
        }

        return dispatched;
    }

    private async Task DispatchAsync(PostEntry entry, CancellationToken cancellationToken)
    {
        await sender.SendAsync<PublishPostConsumer, PublishPost>(PostEvents.Command(entry), cancellationToken);
        LogDispatched(logger, entry.PostId, entry.State);
    }

    [LoggerMessage(EventId = 520, Level = LogLevel.Information, Message = "Post {PostId} dispatched again ({State})")]
    private static partial void LogDispatched(ILogger logger, string postId, PostState state);

    [LoggerMessage(EventId = 521, Level = LogLevel.Information, Message = "Post {PostId} resumes: connection {ConnectionId} is active again at version {Version}")]
    private static partial void LogReconnected(ILogger logger, string postId, string connectionId, long version);
}
