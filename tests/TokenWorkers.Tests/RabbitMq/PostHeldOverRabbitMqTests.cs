using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.LinkedIn;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// A sender sees where its post is: another service sends PublishPost over a real RabbitMQ broker, the worker meets a hold at
/// the sandbox over HTTP (a revoked grant, LinkedIn's daily limit, a LinkedIn-Version it no longer serves) and the other service
/// receives PostHeld once, saying why and until when; the same command sent again announces nothing more, and the normal
/// outcome follows once the hold ends.
/// </summary>
public sealed class PostHeldOverRabbitMqTests : IAsyncLifetime
{
    private RabbitMqWorkerEnvironment _environment = null!;
    private WebApplication _worker = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private LinkedInSandbox Sandbox => _environment.Sandbox;

    private EventRecorder OtherService => _environment.OtherService;

    private IPostLedger Ledger => _worker.Services.GetRequiredService<IPostLedger>();

    // A daily limit of one post per member: the second post of a day meets LinkedIn's 429 with its daily-limit body.
    public async ValueTask InitializeAsync() =>
        _environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel,
            new SandboxSettings { MemberDailyPostLimit = 1 });

    public async ValueTask DisposeAsync() => await _environment.DisposeAsync();

    [Fact]
    public async Task A_post_for_a_connection_that_needs_reauthorization_is_held_once_and_published_after_the_reconnect()
    {
        await StartWorkerAsync();
        var (connection, grant) = await _environment.ConnectAsync("held-revoked", TimeSpan.FromDays(60), bindMember: true);
        Sandbox.Control.RevokeGrant(grant.GrantId);
        var command = new PublishPost { PostId = "held-1", ConnectionId = "held-revoked", TenantId = "t", Text = "Waits for the member" };

        await SendAsync(command);
        var held = await HeldAsync("held-1");
        Assert.Equal((PostHoldReason.AwaitingReauthorization, (DateTimeOffset?)null, "t"), (held.Reason, held.Until, held.TenantId));
        Assert.Contains("log in again", held.Description, StringComparison.Ordinal);
        Assert.Equal(PostState.AwaitingReauth, (await Ledger.FindAsync("held-1", Cancel))!.State);

        await SendAsync(command);
        await SettleAsync();
        Assert.Single(OtherService.PostDeliveries.OfType<PostHeld>(), e => e.PostId == "held-1");
        Assert.Empty(Sandbox.Control.Posts);

        await ReconnectAsync(connection);

        var published = await PublishedAsync("held-1");
        Assert.Equal(Assert.Single(Sandbox.Control.Posts).Urn, published.Urn);
        Assert.Single(OtherService.PostDeliveries.OfType<PostHeld>(), e => e.PostId == "held-1");
        var entry = await Ledger.FindAsync("held-1", Cancel);
        Assert.Equal(PostState.Published, entry!.State);
        Assert.Null(entry.Hold);
    }

    [Fact]
    public async Task A_post_over_LinkedIns_daily_limit_is_held_until_the_reset_and_a_resend_announces_nothing_more()
    {
        await StartWorkerAsync();
        await _environment.ConnectAsync("held-busy", TimeSpan.FromDays(60), bindMember: true);
        await SendAsync(new PublishPost { PostId = "held-first", ConnectionId = "held-busy", TenantId = "t", Text = "First of the day" });
        await PublishedAsync("held-first");
        var second = new PublishPost { PostId = "held-second", ConnectionId = "held-busy", TenantId = "t", Text = "Second of the day" };

        await SendAsync(second);
        var held = await HeldAsync("held-second");
        var midnight = LinkedInErrorReader.NextUtcMidnight(held.OccurredAt);
        Assert.Equal((PostHoldReason.DailyLimit, (DateTimeOffset?)midnight), (held.Reason, held.Until));
        Assert.Contains("TOO_MANY_REQUESTS", held.Description, StringComparison.Ordinal);

        // The resend arrives before the reset: the hold stands, LinkedIn is not asked again and nothing is announced again. A
        // post of another member sent after it shows the queue has reached past the resend.
        await _environment.ConnectAsync("held-probe", TimeSpan.FromDays(60), bindMember: true);
        await SendAsync(second);
        await SendAsync(new PublishPost { PostId = "held-probe-1", ConnectionId = "held-probe", TenantId = "t", Text = "Behind the resend" });
        await PublishedAsync("held-probe-1");
        await SettleAsync();
        Assert.Equal(1, Sandbox.Control.Requests.Count(r => r.Endpoint == SandboxEndpoint.UgcPosts && r.Status == 429));
        Assert.Single(OtherService.PostDeliveries.OfType<PostHeld>(), e => e.PostId == "held-second");
        var entry = await Ledger.FindAsync("held-second", Cancel);
        Assert.Equal((false, (DateTimeOffset?)midnight, PostHoldReason.DailyLimit), (entry!.IsFinished, entry.NotBefore, entry.Hold?.Reason));
        Assert.Empty(OtherService.Posts<PostPublished>("held-second"));
        Assert.Empty(OtherService.Posts<PostFailed>("held-second"));
    }

    [Fact]
    public async Task A_post_refused_for_the_pinned_LinkedIn_Version_is_held_naming_the_setting()
    {
        await StartWorkerAsync(new Dictionary<string, string?> { ["Publishing:Api"] = "Posts", ["Publishing:LinkedInVersion"] = "202401" });
        await _environment.ConnectAsync("held-sunset", TimeSpan.FromDays(60), bindMember: true);

        await SendAsync(new PublishPost { PostId = "held-sunset-1", ConnectionId = "held-sunset", TenantId = "t", Text = "After the sunset" });

        var held = await HeldAsync("held-sunset-1");
        Assert.Equal((PostHoldReason.LinkedInVersionRefused, (DateTimeOffset?)null), (held.Reason, held.Until));
        Assert.Contains("Publishing:LinkedInVersion", held.Description, StringComparison.Ordinal);
        Assert.Equal(426, Assert.Single(Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.Posts).Status);
        Assert.Empty(OtherService.Posts<PostFailed>("held-sunset-1"));
    }

    private async Task StartWorkerAsync(IDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?> { ["Publishing:ScanInterval"] = "00:00:01" };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        _worker = await _environment.StartWorkerAsync(settings);
    }

    private async Task SendAsync(PublishPost command) =>
        await (await _environment.OtherServiceBus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"))).Send(command, Cancel);

    private Task<PostHeld> HeldAsync(string postId) => OtherService.FirstPostEventAsync<PostHeld>(postId);

    private Task<PostPublished> PublishedAsync(string postId) => OtherService.FirstPostEventAsync<PostPublished>(postId);

    /// <summary>Time for a second announcement to arrive, if the worker wrongly made one: what is absent after it means something.</summary>
    private static Task SettleAsync() => Task.Delay(TimeSpan.FromSeconds(2), Cancel);

    /// <summary>The member logs in again: new tokens for the same connection, written by compare-and-swap as the connect flow does.</summary>
    private async Task ReconnectAsync(Connection connection)
    {
        var sub = connection.MemberUrn!["urn:li:person:".Length..];
        var again = Sandbox.Control.SeedGrant(RabbitMqWorkerEnvironment.ClientId, sub, "openid", "profile", "w_member_social");
        var current = (await _environment.Store.FindAsync(connection.ConnectionId, Cancel))!;
        Assert.Equal(ConnectionStatus.ReauthRequired, current.Status);
        var reconnected = await _environment.Store.TryUpdateAsync(current with
        {
            Status = ConnectionStatus.Active,
            AccessToken = new SecretToken(again.AccessToken),
            RefreshToken = new SecretToken(again.RefreshToken!),
            AccessTokenExpiresAt = DateTimeOffset.UtcNow.AddSeconds(again.ExpiresIn),
            LastFailure = null,
            FailureCount = 0,
            ProblemSince = null,
        }, current.Version, Cancel);
        Assert.NotNull(reconnected);
    }
}
