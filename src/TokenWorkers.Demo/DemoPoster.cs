using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Contracts;
using TokenWorkers.Messaging;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;

namespace TokenWorkers.Demo;

/// <summary>
/// Once the worker has started (bus connected, demo fleet seeded), sends commands as another service would: the posts of
/// <see cref="DemoPosts.Now"/> (text, article, a resend, one waiting for re-authorization, an invalid one, a Company Page
/// post, one to delete), a post scheduled <see cref="DemoOptions.ScheduleLead"/> ahead, a second one scheduled and then
/// cancelled with <see cref="CancelPost"/>, and a <see cref="DeletePost"/> for one post once it is published.
/// </summary>
/// <remarks>
/// A restart resends everything with the same PostIds and nothing is posted twice: a scheduled post is resent with the time it
/// was first given (read back from the ledger; a real sender keeps its own record), a post already cancelled or deleted
/// is announced again, and the follow-up commands wait on the ledger, which the admin API's <c>GET /admin/posts/{id}</c> reads.
/// </remarks>
public sealed partial class DemoPoster(
    IServiceScopeFactory scopes,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    IOptions<DemoOptions> demo,
    ILogger<DemoPoster> logger) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        // A command is sent to the worker's queue (publishing it would reach every consumer bound to the PublishPost
        // exchange), under the queue prefix the worker is configured with.
        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<CommandSender>();
        var ledger = scope.ServiceProvider.GetRequiredService<IPostLedger>();
        foreach (var post in DemoPosts.Now)
        {
            await SendAsync(sender, post, stoppingToken);
        }

        // The image goes into the repository the worker shares with its senders; a restart resends the address it first used.
        var image = (await ledger.FindAsync(DemoPosts.ImagePostId, stoppingToken))?.Images is [{ Reference: var stored }, ..]
            ? new Uri(stored)
            : (await scope.ServiceProvider.GetRequiredService<IMessageDataRepository>().PutBytes(DemoPosts.Png.ToArray(), stoppingToken)).Address;
        await SendAsync(sender, DemoPosts.WithImage(image), stoppingToken);

        var publishAt = time.GetUtcNow() + demo.Value.ScheduleLead;
        await SendAsync(sender, DemoPosts.Scheduled(await FirstPublishAtAsync(ledger, DemoPosts.ScheduledPostId, stoppingToken) ?? publishAt), stoppingToken);
        await SendAsync(sender, DemoPosts.Cancelled(await FirstPublishAtAsync(ledger, DemoPosts.CancelledPostId, stoppingToken) ?? publishAt), stoppingToken);

        // CancelPost travels on its own queue: sent before the worker recorded the post, it would find nothing to cancel.
        if (await WaitForAsync(ledger, DemoPosts.CancelledPostId, _ => true, "recorded", stoppingToken) is not null)
        {
            await sender.SendAsync<CancelPostConsumer, CancelPost>(
                new CancelPost { PostId = DemoPosts.CancelledPostId, Reason = "the demo changed its mind" }, stoppingToken);
            LogCancelSent(logger, DemoPosts.CancelledPostId);
        }

        if (await WaitForAsync(ledger, DemoPosts.DeletedPostId, e => e.IsFinished, "published", stoppingToken) is { } toDelete)
        {
            if (toDelete.State is PostState.Published or PostState.Deleted)
            {
                await sender.SendAsync<DeletePostConsumer, DeletePost>(new DeletePost { PostId = DemoPosts.DeletedPostId }, stoppingToken);
                LogDeleteSent(logger, DemoPosts.DeletedPostId, toDelete.Urn);
            }
            else
            {
                LogNotDeleted(logger, DemoPosts.DeletedPostId, toDelete.State);
            }
        }
    }

    private async Task SendAsync(CommandSender sender, PublishPost post, CancellationToken cancellationToken)
    {
        await sender.SendAsync<PublishPostConsumer, PublishPost>(post, cancellationToken);
        if (post.PublishAt is { } at)
        {
            LogSentScheduled(logger, post.PostId, post.ConnectionId, at);
        }
        else
        {
            var author = DemoPosts.AuthorOf(post.PostId, post.ConnectionId);
            LogSent(logger, post.PostId, post.ConnectionId, author);
        }
    }

    private static async Task<DateTimeOffset?> FirstPublishAtAsync(IPostLedger ledger, string postId, CancellationToken cancellationToken) =>
        (await ledger.FindAsync(postId, cancellationToken))?.PublishAt;

    /// <summary>The post's ledger entry once <paramref name="reached"/> holds, or null (logged) after <see cref="DemoOptions.WaitLimit"/>.</summary>
    private async Task<PostEntry?> WaitForAsync(
        IPostLedger ledger, string postId, Func<PostEntry, bool> reached, string what, CancellationToken cancellationToken)
    {
        var giveUpAt = time.GetUtcNow() + demo.Value.WaitLimit;
        while (true)
        {
            if (await ledger.FindAsync(postId, cancellationToken) is { } entry && reached(entry))
            {
                return entry;
            }

            if (time.GetUtcNow() >= giveUpAt)
            {
                LogGaveUp(logger, postId, what, demo.Value.WaitLimit);
                return null;
            }

            await Task.Delay(Poll, time, cancellationToken);
        }
    }

    [LoggerMessage(EventId = 920, Level = LogLevel.Information, Message = "Demo: sent PublishPost {PostId} for {ConnectionId} (author: {Author})")]
    private static partial void LogSent(ILogger logger, string postId, string connectionId, string author);

    [LoggerMessage(EventId = 921, Level = LogLevel.Information, Message = "Demo: sent PublishPost {PostId} for {ConnectionId}, to go out at {PublishAt:o}")]
    private static partial void LogSentScheduled(ILogger logger, string postId, string connectionId, DateTimeOffset publishAt);

    [LoggerMessage(EventId = 922, Level = LogLevel.Information, Message = "Demo: sent CancelPost {PostId}")]
    private static partial void LogCancelSent(ILogger logger, string postId);

    [LoggerMessage(EventId = 924, Level = LogLevel.Information, Message = "Demo: {PostId} is out as {Urn}; sent DeletePost for it")]
    private static partial void LogDeleteSent(ILogger logger, string postId, string? urn);

    [LoggerMessage(EventId = 925, Level = LogLevel.Warning, Message = "Demo: {PostId} ended {State}, so there is nothing to delete")]
    private static partial void LogNotDeleted(ILogger logger, string postId, PostState state);

    [LoggerMessage(EventId = 926, Level = LogLevel.Warning, Message = "Demo: {PostId} was not {What} within {Limit}; the demo's next step for it is skipped")]
    private static partial void LogGaveUp(ILogger logger, string postId, string what, TimeSpan limit);
}
