using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Publishing;

/// <summary>
/// A post call whose answer is lost (a timeout, a dropped connection, any 5xx) may have created the post. It is never
/// retried at once; it is settled by sending identical content, which LinkedIn refuses as a duplicate naming the first
/// post, but only within Publishing:SettleWithin of the first lost answer, since LinkedIn's duplicate window is undocumented.
/// </summary>
public sealed class UncertainPostTests
{
    private static readonly Dictionary<string, string?> QuickRetries = new()
    {
        ["Publishing:QuickRetryCount"] = "3",
        ["Publishing:QuickRetryInterval"] = "00:00:00",
    };

    [Fact]
    public async Task A_gateway_timeout_after_LinkedIn_created_the_post_is_not_retried_at_once_and_the_settle_finds_the_first_post()
    {
        await using var host = await PipelineHost.StartAsync(QuickRetries);
        await host.ConnectAsync("c-504");
        host.Sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.GatewayTimeoutAfterProcessing);
        var sentAt = host.Now;

        await host.PublishAsync(new PublishPost { PostId = "p-504", ConnectionId = "c-504", Text = "Behind a gateway" });

        Assert.Single(host.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.UgcPosts);
        var waiting = await host.PostAsync("p-504");
        Assert.Equal(PostState.Unknown, waiting.State);
        Assert.Equal(sentAt, waiting.UncertainSince);
        Assert.Contains("504", waiting.LastError!.Message, StringComparison.Ordinal);

        host.Advance(TimeSpan.FromMinutes(10));
        await host.ResumePostsAsync();

        var first = Assert.Single(host.LinkedInPosts);
        Assert.Equal(first.Urn, Assert.Single(host.Events.Posts<PostPublished>("p-504")).Urn);
        Assert.Equal(2, host.Sandbox.Control.Requests.Count(r => r.Endpoint == SandboxEndpoint.UgcPosts));
    }

    [Fact]
    public async Task A_503_to_a_post_creation_waits_for_the_settle_and_the_post_goes_out_once()
    {
        await using var host = await PipelineHost.StartAsync(QuickRetries);
        await host.ConnectAsync("c-503");
        host.Sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.ServiceUnavailable);

        await host.PublishAsync(new PublishPost { PostId = "p-503", ConnectionId = "c-503", Text = "Second time lucky" });

        Assert.Single(host.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.UgcPosts);
        Assert.Equal(PostState.Unknown, (await host.PostAsync("p-503")).State);
        Assert.Empty(host.LinkedInPosts);

        host.Advance(TimeSpan.FromMinutes(10));
        await host.ResumePostsAsync();

        Assert.Single(host.LinkedInPosts);
        Assert.Single(host.Events.Posts<PostPublished>("p-503"));
        Assert.Equal(PostState.Published, (await host.PostAsync("p-503")).State);
    }

    [Fact]
    public async Task A_call_that_never_left_is_retried_quickly_and_then_left_to_the_scan()
    {
        var closed = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?>(QuickRetries)
        {
            ["Publishing:QuickRetryCount"] = "2",
            ["LinkedIn:ApiBaseUrl"] = closed.ToString(),
        });
        await host.ConnectAsync("c-unreachable");

        await host.PublishAsync(new PublishPost { PostId = "p-unreachable", ConnectionId = "c-unreachable", Text = "Nobody listens" });

        // A first attempt and two quick retries, then no fault and no error queue: the ledger takes over.
        var entry = await host.PostAsync("p-unreachable");
        Assert.Equal(3, entry.Attempts);
        Assert.Null(entry.UncertainSince);
        Assert.Equal(host.Now.AddMinutes(10), entry.NotBefore!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, host.Activity.Faults);
        Assert.Empty(host.Events.Posts<PostFailed>("p-unreachable"));
    }

    [Fact]
    public async Task A_settle_later_than_the_safe_window_never_posts_twice_and_stops_for_an_operator()
    {
        await using var host = await PipelineHost.StartAsync();
        await host.ConnectAsync("c-late");
        host.Sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.DropAfterProcessing);
        var sentAt = host.Now;
        await host.PublishAsync(new PublishPost { PostId = "p-late", ConnectionId = "c-late", Text = "Was it posted?" });
        Assert.Equal(PostState.Unknown, (await host.PostAsync("p-late")).State);

        // The worker was down for a day and a bit: LinkedIn's duplicate check (24 h in the sandbox) no longer protects a resend.
        host.Advance(TimeSpan.FromHours(25));
        await host.ResumePostsAsync();

        Assert.Single(host.LinkedInPosts);
        Assert.Single(host.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.UgcPosts);
        var stopped = await host.PostAsync("p-late");
        Assert.Equal(PostState.OutcomeUnknown, stopped.State);
        Assert.Null(stopped.NotBefore);
        var unknown = Assert.Single(host.Events.Posts<PostOutcomeUnknown>("p-late"));
        Assert.Equal(sentAt, unknown.FirstUncertainAt);
        Assert.Contains("admin API", unknown.Reason, StringComparison.Ordinal);
        Assert.Empty(host.Events.Posts<PostPublished>("p-late"));

        // Nothing happens by itself any more, and a resend of the PostId is answered with the same event.
        host.Advance(TimeSpan.FromHours(1));
        await host.ResumePostsAsync();
        await host.PublishAsync(new PublishPost { PostId = "p-late", ConnectionId = "c-late", Text = "Was it posted?" });
        Assert.Single(host.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.UgcPosts);
        Assert.Equal(2, host.Events.PostDeliveries.OfType<PostOutcomeUnknown>().Count(e => e.EventId == unknown.EventId));
    }

    [Fact]
    public async Task A_post_that_waited_for_a_reconnect_past_the_window_is_stopped_instead_of_resent()
    {
        await using var host = await PipelineHost.StartAsync();
        var (connection, grant) = await host.ConnectAsync("c-parked");
        host.Sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.DropAfterProcessing);
        await host.PublishAsync(new PublishPost { PostId = "p-parked", ConnectionId = "c-parked", Text = "Parked" });

        // Before the settle, the member revokes: the settling attempt parks the post until they reconnect, days later.
        host.Sandbox.Control.RevokeGrant(grant.GrantId);
        host.Advance(TimeSpan.FromMinutes(10));
        await host.ResumePostsAsync();
        Assert.Equal(PostState.AwaitingReauth, (await host.PostAsync("p-parked")).State);
        host.Advance(TimeSpan.FromDays(3));
        var again = host.Sandbox.Control.SeedGrant(PipelineHost.ClientId, connection.MemberUrn!["urn:li:person:".Length..], "openid", "profile", "email", "w_member_social");
        await host.WriteAsync("c-parked", c => c with
        {
            Status = ConnectionStatus.Active,
            AccessToken = new SecretToken(again.AccessToken),
            RefreshToken = new SecretToken(again.RefreshToken!),
            AccessTokenExpiresAt = host.Now.AddSeconds(again.ExpiresIn),
        });
        await host.ResumePostsAsync();
        host.Advance(TimeSpan.FromMinutes(10));
        await host.ResumePostsAsync();

        Assert.Single(host.LinkedInPosts);
        Assert.Equal(PostState.OutcomeUnknown, (await host.PostAsync("p-parked")).State);
        Assert.Single(host.Events.Posts<PostOutcomeUnknown>("p-parked"));
    }
}
