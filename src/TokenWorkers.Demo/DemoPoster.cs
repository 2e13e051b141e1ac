using TokenWorkers.Contracts;
using TokenWorkers.Messaging;
using TokenWorkers.Publishing;

namespace TokenWorkers.Demo;

/// <summary>
/// Once the worker has started (bus connected, demo fleet seeded), sends a few <see cref="PublishPost"/>
/// commands as another service would: a text post, an article post, a resend of the first (posted once),
/// a post for the revoked demo-carol (waits for re-authorization) and an invalid one (fails at once).
/// PostIds are fixed, so a restart of the demo resends them and nothing is posted twice.
/// </summary>
public sealed partial class DemoPoster(IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, ILogger<DemoPoster> logger) : BackgroundService
{
    private static readonly PublishPost[] Posts =
    [
        new() { PostId = "demo-post-alice-1", ConnectionId = "demo-alice", Text = "Hello from TokenWorkers: this post went out with a token kept alive for me." },
        new()
        {
            PostId = "demo-post-bob-1", ConnectionId = "demo-bob", Text = "Worth a read.", Visibility = PostVisibility.Connections,
            ArticleUrl = new Uri("https://example.com/keeping-oauth-tokens-alive"), ArticleTitle = "Keeping OAuth tokens alive",
            ArticleDescription = "Refresh early, lease by compare-and-swap, never post twice.",
        },
        new() { PostId = "demo-post-alice-1", ConnectionId = "demo-alice", Text = "Hello from TokenWorkers: this post went out with a token kept alive for me." },
        new() { PostId = "demo-post-carol-1", ConnectionId = "demo-carol", Text = "Carol revoked access; this waits until she reconnects." },
        new() { PostId = "demo-post-empty", ConnectionId = "demo-alice", Text = "   " },
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        // A command is sent to the worker's queue (publishing it would reach every consumer bound to the PublishPost
        // exchange), under the queue prefix the worker is configured with.
        await using var scope = scopes.CreateAsyncScope();
        var sender = scope.ServiceProvider.GetRequiredService<CommandSender>();
        foreach (var post in Posts)
        {
            await sender.SendAsync<PublishPostConsumer, PublishPost>(post, stoppingToken);
            LogSent(logger, post.PostId, post.ConnectionId);
        }
    }

    [LoggerMessage(EventId = 920, Level = LogLevel.Information, Message = "Demo: sent PublishPost {PostId} for {ConnectionId}")]
    private static partial void LogSent(ILogger logger, string postId, string connectionId);
}
