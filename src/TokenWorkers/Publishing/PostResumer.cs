using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;

namespace TokenWorkers.Publishing;

/// <summary>
/// Finds posts that can move again and dispatches them as <see cref="Contracts.PublishPost"/>: those whose
/// NotBefore has passed (a reset rate limit, a lost message, an unknown outcome to settle) and those awaiting
/// re-authorization whose connection is active again with a newer version. Each dispatch is claimed by a
/// compare-and-swap on the entry first, so two instances scanning together dispatch a post once.
/// </summary>
public sealed partial class PostResumer(
    IPostLedger ledger,
    IConnectionStore store,
    TimeProvider time,
    IOptions<PublishingOptions> options,
    ILogger<PostResumer> logger)
{
    private readonly PublishingOptions _options = options.Value;

    /// <summary>Returns how many posts were dispatched (at most <see cref="PublishingOptions.ScanBatchSize"/>).</summary>
    public async Task<int> ScanAsync(IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        var budget = _options.ScanBatchSize;
        var dispatched = 0;
        foreach (var due in await ledger.FindDueAsync(time.GetUtcNow(), budget, cancellationToken))
        {
            var (claimed, written) = await ledger.UpdateAsync(due.PostId, e =>
            {
                var now = time.GetUtcNow();
                return e.IsFinished || e.NotBefore is not { } at || at > now
                    ? null
                    : e with { NotBefore = now + _options.RedispatchAfter, UpdatedAt = now };
            }, cancellationToken);
            if (written)
            {
                await DispatchAsync(claimed!, publisher, cancellationToken);
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
            foreach (var waiting in page)
            {
                if (dispatched >= budget)
                {
                    break;
                }

                var connection = await store.FindAsync(waiting.ConnectionId, cancellationToken);
                if (connection is not { Status: ConnectionStatus.Active } || connection.Version <= waiting.AwaitingConnectionVersion)
                {
                    continue;
                }

                var (claimed, written) = await ledger.UpdateAsync(waiting.PostId, e =>
                {
                    var now = time.GetUtcNow();
                    return e.State != PostState.AwaitingReauth || e.AwaitingConnectionVersion != waiting.AwaitingConnectionVersion
                        ? null
                        : e with { State = PostState.Received, NotBefore = now + _options.RedispatchAfter, UpdatedAt = now };
                }, cancellationToken);
                if (written)
                {
                    LogReconnected(logger, claimed!.PostId, connection.ConnectionId, connection.Version);
                    await DispatchAsync(claimed, publisher, cancellationToken);
                    dispatched++;
                }
            }
        }

        return dispatched;
    }

    private async Task DispatchAsync(PostEntry entry, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        await publisher.Publish(PostEvents.Command(entry), cancellationToken);
        LogDispatched(logger, entry.PostId, entry.State);
    }

    [LoggerMessage(EventId = 520, Level = LogLevel.Information, Message = "Post {PostId} dispatched again ({State})")]
    private static partial void LogDispatched(ILogger logger, string postId, PostState state);

    [LoggerMessage(EventId = 521, Level = LogLevel.Information, Message = "Post {PostId} resumes: connection {ConnectionId} is active again at version {Version}")]
    private static partial void LogReconnected(ILogger logger, string postId, string connectionId, long version);
}
