using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenWorkers.Contracts;
using TokenWorkers.LinkedIn;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Publishing;

/// <summary>LinkedIn's refusals and outages while posting, and the Posts API variant.</summary>
public sealed class PublishPostFailureTests
{
    [Fact]
    public async Task A_connection_without_the_posting_scope_fails_with_Permission()
    {
        await using var host = await PipelineHost.StartAsync();
        await host.ConnectAsync("c-readonly", scopes: ["openid", "profile", "email"]);

        await host.PublishAsync(new PublishPost { PostId = "p-readonly", ConnectionId = "c-readonly", Text = "Not allowed" });

        var failed = Assert.Single(host.Events.Posts<PostFailed>("p-readonly"));
        Assert.Equal(FailureClass.Permission, failed.FailureClass);
        Assert.Contains("403", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("ugcPosts.CREATE", failed.Reason, StringComparison.Ordinal);
        Assert.True(failed.CanResend);
        Assert.Empty(host.LinkedInPosts);
        Assert.Equal(PostState.Failed, (await host.PostAsync("p-readonly")).State);
    }

    // A 5xx to a post creation and a call that never left are in UncertainPostTests: the first is an unknown outcome
    // (settled later), the second is retried quickly.

    [Fact]
    public async Task An_unknown_outcome_is_not_retried_quickly_but_left_to_the_scan()
    {
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?>
        {
            ["Publishing:QuickRetryCount"] = "3",
            ["Publishing:QuickRetryInterval"] = "00:00:00",
        });
        await host.ConnectAsync("c-dropped");
        host.Sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.DropAfterProcessing);

        await host.PublishAsync(new PublishPost { PostId = "p-dropped", ConnectionId = "c-dropped", Text = "Did it go out?" });

        Assert.Single(host.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.UgcPosts);
        var entry = await host.PostAsync("p-dropped");
        Assert.Equal(PostState.Unknown, entry.State);
        Assert.Equal(host.Now.AddMinutes(10), entry.NotBefore!.Value, TimeSpan.FromMilliseconds(1));
        Assert.Empty(host.Events.Posts<PostPublished>("p-dropped"));
    }

    /// <summary>
    /// LinkedIn answers 426 NONEXISTENT_VERSION once the pinned version is sunset: that is the worker's configuration, not
    /// the post or the member, so the post is held (not failed), a critical log names the setting, health is degraded.
    /// </summary>
    [Fact]
    public async Task A_sunset_LinkedIn_version_holds_the_post_names_the_setting_and_degrades_health()
    {
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?>
        {
            ["Publishing:Api"] = "Posts",
            ["Publishing:LinkedInVersion"] = "202401",
        });
        await host.ConnectAsync("c-sunset");

        await host.PublishAsync(new PublishPost { PostId = "p-sunset", ConnectionId = "c-sunset", Text = "After the sunset" });

        var refused = Assert.Single(host.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.Posts);
        Assert.Equal(426, refused.Status);
        var entry = await host.PostAsync("p-sunset");
        Assert.False(entry.IsFinished);
        Assert.Equal(FailureClass.Configuration, entry.LastError!.Class);
        Assert.Empty(host.Events.Posts<PostFailed>("p-sunset"));
        var held = Assert.Single(host.Events.Posts<PostHeld>("p-sunset"));
        Assert.Equal((PostHoldReason.LinkedInVersionRefused, (DateTimeOffset?)null), (held.Reason, held.Until));
        Assert.Contains("Publishing:LinkedInVersion", held.Description, StringComparison.Ordinal);
        Assert.Contains("set Publishing:LinkedInVersion to a current version", host.Logs.Text, StringComparison.Ordinal);
        var health = host.Services.GetRequiredService<LinkedInVersionMonitor>().Check();
        Assert.Equal(HealthStatus.Degraded, health.Status);
        Assert.Contains("Publishing:LinkedInVersion", health.Description, StringComparison.Ordinal);

        // The scan re-checks it after RedispatchAfter; LinkedIn still refuses the version: the same hold, not announced again.
        host.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(1, await host.ResumePostsAsync());
        Assert.Equal(2, host.Sandbox.Control.Requests.Count(r => r.Endpoint == SandboxEndpoint.Posts && r.Status == 426));
        Assert.Single(host.Events.Posts<PostHeld>("p-sunset"));
    }

    [Fact]
    public async Task A_version_LinkedIn_serves_keeps_health_and_clears_a_refusal()
    {
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Publishing:Api"] = "Posts" });
        await host.ConnectAsync("c-served");
        var monitor = host.Services.GetRequiredService<LinkedInVersionMonitor>();
        monitor.Refused(monitor.Pinned);

        await host.PublishAsync(new PublishPost { PostId = "p-served", ConnectionId = "c-served", Text = "Served" });

        Assert.Single(host.Events.Posts<PostPublished>("p-served"));
        Assert.Equal(HealthStatus.Healthy, monitor.Check().Status);
    }

    [Fact]
    public async Task The_Posts_API_gets_the_pinned_version_and_escaped_commentary()
    {
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?>
        {
            ["Publishing:Api"] = "Posts",
            ["Publishing:LinkedInVersion"] = "202510",
        });
        var (connection, _) = await host.ConnectAsync("c-rest");

        await host.PublishAsync(new PublishPost
        {
            PostId = "p-rest",
            ConnectionId = "c-rest",
            Text = "Release (v2) #tokens",
            ArticleUrl = new Uri("https://example.com/release"),
            ArticleTitle = "Release",
        });

        var created = Assert.Single(host.LinkedInPosts);
        Assert.Equal(SandboxEndpoint.Posts, created.Endpoint);
        Assert.Equal(@"Release \(v2\) \#tokens", created.Text);
        Assert.Equal(connection.MemberUrn, created.Author);
        var sent = Assert.Single(host.Traffic.Sent, r => r.Path == "/rest/posts");
        Assert.Equal("202510", sent.Headers["LinkedIn-Version"]);
        Assert.Equal("2.0.0", sent.Headers["X-Restli-Protocol-Version"]);
        Assert.Contains("\"article\":{\"source\":\"https://example.com/release\",\"title\":\"Release\"}", sent.Body, StringComparison.Ordinal);
        Assert.Equal(created.Urn, Assert.Single(host.Events.Posts<PostPublished>("p-rest")).Urn);
    }
}
