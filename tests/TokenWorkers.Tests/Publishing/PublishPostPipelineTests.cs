using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Publishing;

/// <summary>PublishPost end to end: the worker's consumer on the bus, the sandbox over HTTP, SQLite files, one fake clock.</summary>
public sealed class PublishPostPipelineTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await PipelineHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static PublishPost Post(string postId, string connectionId, string? text = null) => new()
    {
        PostId = postId,
        ConnectionId = connectionId,
        Text = text ?? $"Post {postId}: hello from TokenWorkers",
    };

    private int PostingCalls => _host.Sandbox.Control.Requests.Count(r => r.Endpoint is SandboxEndpoint.UgcPosts or SandboxEndpoint.Posts);

    [Fact]
    public async Task A_post_is_sent_with_the_documented_body_and_headers_and_announced_with_its_urn()
    {
        var (connection, grant) = await _host.ConnectAsync("c-happy");
        var command = Post("p-happy", "c-happy", "Shipping TokenWorkers 🚀") with
        {
            Visibility = PostVisibility.Connections,
            ArticleUrl = new Uri("https://example.com/tokenworkers"),
            ArticleTitle = "TokenWorkers",
            ArticleDescription = "Keeps tokens alive",
        };

        await _host.PublishAsync(command);

        var created = Assert.Single(_host.LinkedInPosts);
        Assert.Equal(SandboxEndpoint.UgcPosts, created.Endpoint);
        Assert.Equal(connection.MemberUrn, created.Author);
        Assert.Equal("Shipping TokenWorkers 🚀", created.Text);
        Assert.Equal("https://example.com/tokenworkers", created.ArticleUrl);
        Assert.Equal(grant.GrantId, created.GrantId);

        var sent = Assert.Single(_host.Traffic.Sent, r => r.Path == "/v2/ugcPosts");
        Assert.Equal(HttpMethod.Post, sent.Method);
        Assert.Equal("2.0.0", sent.Headers["X-Restli-Protocol-Version"]);
        Assert.Equal("Bearer " + grant.AccessToken, sent.Headers["Authorization"]);
        Assert.StartsWith("application/json", sent.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.False(sent.Headers.ContainsKey("LinkedIn-Version"));
        var expected = JsonNode.Parse($$"""
            {
              "author": "{{connection.MemberUrn}}",
              "lifecycleState": "PUBLISHED",
              "specificContent": { "com.linkedin.ugc.ShareContent": {
                "shareCommentary": { "text": "Shipping TokenWorkers 🚀" },
                "shareMediaCategory": "ARTICLE",
                "media": [ { "status": "READY", "originalUrl": "https://example.com/tokenworkers",
                             "title": { "text": "TokenWorkers" }, "description": { "text": "Keeps tokens alive" } } ] } },
              "visibility": { "com.linkedin.ugc.MemberNetworkVisibility": "CONNECTIONS" }
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(sent.Body!)), sent.Body);

        var published = Assert.Single(_host.Events.Posts<PostPublished>("p-happy"));
        Assert.Equal(created.Urn, published.Urn);
        Assert.Equal(new Uri("https://www.linkedin.com/feed/update/" + created.Urn), published.Url);
        Assert.Equal("c-happy", published.ConnectionId);
        var entry = await _host.PostAsync("p-happy");
        Assert.Equal(PostState.Published, entry.State);
        Assert.Equal(created.Urn, entry.Urn);
        Assert.Equal(1, entry.Attempts);
        Assert.Null(entry.NotBefore);
        Assert.Null(entry.Claim);
        Assert.Empty(_host.Events.Posts<PostFailed>("p-happy"));
    }

    [Fact]
    public async Task The_author_urn_is_resolved_once_from_userinfo_and_kept_on_the_connection()
    {
        var (connection, _) = await _host.ConnectAsync("c-anon");
        var withoutUrn = await _host.Store.TryUpdateAsync(connection with { MemberUrn = null }, connection.Version, CancellationToken.None);
        Assert.NotNull(withoutUrn);

        await _host.PublishAsync(Post("p-anon-1", "c-anon"));
        await _host.PublishAsync(Post("p-anon-2", "c-anon"));

        Assert.Equal(connection.MemberUrn, (await _host.GetAsync("c-anon")).MemberUrn);
        Assert.Single(_host.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.Userinfo);
        Assert.All(_host.LinkedInPosts, p => Assert.Equal(connection.MemberUrn, p.Author));
        Assert.Equal(2, _host.LinkedInPosts.Count);
    }

    [Fact]
    public async Task An_expired_access_token_is_refreshed_inline_then_the_post_is_published()
    {
        var (connection, grant) = await _host.ConnectAsync("c-expired");
        _host.Advance(TimeSpan.FromDays(60) + TimeSpan.FromMinutes(1));

        await _host.PublishAsync(Post("p-expired", "c-expired"));

        Assert.Equal(1, _host.RefreshExchanges(grant.GrantId));
        var stored = await _host.GetAsync("c-expired");
        Assert.NotEqual(connection.AccessToken, stored.AccessToken);
        Assert.Single(_host.Events.Of<TokenRefreshed>("c-expired"));
        var post = Assert.Single(_host.LinkedInPosts);
        Assert.Equal(Assert.Single(_host.Events.Posts<PostPublished>("p-expired")).Urn, post.Urn);
        var sent = Assert.Single(_host.Traffic.Sent, r => r.Path == "/v2/ugcPosts");
        Assert.Equal("Bearer " + stored.AccessToken!.Reveal(), sent.Headers["Authorization"]);
    }

    [Fact]
    public async Task A_revoked_grant_parks_posts_until_the_member_reconnects_then_each_is_published_once()
    {
        var (connection, grant) = await _host.ConnectAsync("c-revoked");
        _host.Sandbox.Control.RevokeGrant(grant.GrantId);

        await _host.PublishAsync(Post("p-rev-1", "c-revoked"));
        await _host.PublishAsync(Post("p-rev-2", "c-revoked"));

        Assert.Empty(_host.LinkedInPosts);
        Assert.Equal(PostState.AwaitingReauth, (await _host.PostAsync("p-rev-1")).State);
        Assert.Equal(PostState.AwaitingReauth, (await _host.PostAsync("p-rev-2")).State);
        Assert.Single(_host.Events.Of<ReauthRequired>("c-revoked"));
        Assert.Equal(0, await _host.ResumePostsAsync());
        Assert.All(new[] { "p-rev-1", "p-rev-2" }, id =>
            Assert.Equal(PostHoldReason.AwaitingReauthorization, Assert.Single(_host.Events.Posts<PostHeld>(id)).Reason));
        await _host.PublishAsync(Post("p-rev-1", "c-revoked"));
        Assert.Single(_host.Events.Posts<PostHeld>("p-rev-1"));

        // The member logs in again: new tokens for the same connection, written by compare-and-swap.
        var sub = connection.MemberUrn!["urn:li:person:".Length..];
        var again = _host.Sandbox.Control.SeedGrant(PipelineHost.ClientId, sub, "openid", "profile", "email", "w_member_social");
        var current = await _host.GetAsync("c-revoked");
        var reconnected = await _host.Store.TryUpdateAsync(current with
        {
            Status = ConnectionStatus.Active,
            AccessToken = new SecretToken(again.AccessToken),
            RefreshToken = new SecretToken(again.RefreshToken!),
            AccessTokenExpiresAt = _host.Now.AddSeconds(again.ExpiresIn),
            LastFailure = null,
            FailureCount = 0,
            ProblemSince = null,
        }, current.Version, CancellationToken.None);
        Assert.NotNull(reconnected);

        Assert.Equal(2, await _host.ResumePostsAsync());
        await _host.ResumePostsAsync();
        await _host.PublishAsync(Post("p-rev-1", "c-revoked"));

        Assert.Equal(2, _host.LinkedInPosts.Count);
        Assert.All(_host.LinkedInPosts, p => Assert.Equal(again.GrantId, p.GrantId));
        Assert.Single(_host.Events.Posts<PostPublished>("p-rev-1"));
        Assert.Single(_host.Events.Posts<PostPublished>("p-rev-2"));
        Assert.Single(_host.Events.Of<ReauthRequired>("c-revoked"));
        Assert.Single(_host.Events.Posts<PostHeld>("p-rev-1"));
    }

    [Fact]
    public async Task The_same_post_id_delivered_three_times_posts_once_and_announces_the_same_event()
    {
        await _host.ConnectAsync("c-dup");

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _host.Bus.Publish(Post("p-dup", "c-dup"))));
        await _host.Activity.SettleAsync();
        await _host.PublishAsync(Post("p-dup", "c-dup"));
        await _host.PublishAsync(Post("p-dup", "c-dup", "different text, same id"));

        var post = Assert.Single(_host.LinkedInPosts);
        Assert.Equal(1, PostingCalls);
        var published = Assert.Single(_host.Events.Posts<PostPublished>("p-dup"));
        Assert.Equal(post.Urn, published.Urn);
        Assert.True(_host.Events.PostDeliveries.OfType<PostPublished>().Count(e => e.PostId == "p-dup") >= 2);
        Assert.All(_host.Events.PostDeliveries.OfType<PostPublished>().Where(e => e.PostId == "p-dup"), e => Assert.Equal(published.EventId, e.EventId));
        // The same id with other text is another post: refused, not answered as if it had gone out (PostIdentityTests).
        Assert.Contains("PostId already used", Assert.Single(_host.Events.Posts<PostFailed>("p-dup")).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_post_whose_answer_was_lost_is_settled_without_a_second_post()
    {
        await _host.ConnectAsync("c-drop");
        _host.Sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.DropAfterProcessing);

        await _host.PublishAsync(Post("p-drop", "c-drop"));

        var created = Assert.Single(_host.LinkedInPosts);
        var unknown = await _host.PostAsync("p-drop");
        Assert.Equal(PostState.Unknown, unknown.State);
        Assert.Empty(_host.Events.Posts<PostPublished>("p-drop"));

        _host.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _host.ResumePostsAsync());

        Assert.Single(_host.LinkedInPosts);
        Assert.Equal(2, PostingCalls);
        var published = Assert.Single(_host.Events.Posts<PostPublished>("p-drop"));
        Assert.Equal(created.Urn, published.Urn);
        var settled = await _host.PostAsync("p-drop");
        Assert.Equal(PostState.Published, settled.State);
        Assert.Equal(created.Urn, settled.Urn);
        Assert.Equal(2, settled.Attempts);
    }

    [Fact]
    public async Task Two_resumption_scans_at_once_dispatch_a_waiting_post_once()
    {
        await _host.ConnectAsync("c-race");
        _host.Sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.DropAfterProcessing);
        await _host.PublishAsync(Post("p-race", "c-race"));
        _host.Advance(TimeSpan.FromMinutes(11));

        var scans = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var scope = _host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<PostResumer>().ScanAsync(CancellationToken.None);
        }));
        await _host.Activity.SettleAsync();

        Assert.Equal(1, scans.Sum());
        Assert.Equal(2, PostingCalls);
        Assert.Single(_host.LinkedInPosts);
        Assert.Single(_host.Events.Posts<PostPublished>("p-race"));
    }

    [Fact]
    public async Task A_fresh_post_that_LinkedIn_calls_a_duplicate_of_another_post_fails_without_claiming_that_post()
    {
        await _host.ConnectAsync("c-copy");
        await _host.PublishAsync(Post("p-original", "c-copy", "Same words"));

        await _host.PublishAsync(Post("p-copy", "c-copy", "Same words"));

        Assert.Single(_host.LinkedInPosts);
        var failed = Assert.Single(_host.Events.Posts<PostFailed>("p-copy"));
        Assert.Equal(FailureClass.Invalid, failed.FailureClass);
        Assert.Contains(_host.LinkedInPosts[0].Urn, failed.Reason, StringComparison.Ordinal);
        Assert.False(failed.CanResend);
    }

    public static TheoryData<string, string, string?, string> InvalidCommands => new()
    {
        { "empty text", "", null, "Text is empty" },
        { "blank text", "  \n\t ", null, "Text is empty" },
        { "3,001 code points", new string('a', 3001), null, "3001 characters long" },
        { "3,001 emoji", string.Concat(Enumerable.Repeat("🚀", 3001)), null, "3001 characters long" },
        { "relative article URL", "Hello", "not a url", "is not an absolute http or https URL" },
        { "ftp article URL", "Hello", "ftp://example.com/file", "is not an absolute http or https URL" },
    };

    [Theory]
    [MemberData(nameof(InvalidCommands))]
    public async Task An_invalid_command_fails_with_a_clear_reason_and_nothing_is_sent_to_LinkedIn(string because, string text, string? url, string reason)
    {
        await _host.ConnectAsync("c-invalid");
        var postId = "p-invalid-" + because.Replace(' ', '-');

        await _host.PublishAsync(Post(postId, "c-invalid", text) with { ArticleUrl = url is null ? null : new Uri(url, UriKind.RelativeOrAbsolute) });

        var failed = Assert.Single(_host.Events.Posts<PostFailed>(postId));
        Assert.Equal(FailureClass.Invalid, failed.FailureClass);
        Assert.Contains(reason, failed.Reason, StringComparison.Ordinal);
        Assert.False(failed.CanResend);
        Assert.Empty(_host.Sandbox.Control.Requests);
        Assert.Equal(PostState.Failed, (await _host.PostAsync(postId)).State);
    }

    [Fact]
    public async Task A_post_for_an_unknown_connection_fails_and_nothing_is_sent_to_LinkedIn()
    {
        await _host.PublishAsync(Post("p-nobody", "c-nobody"));

        var failed = Assert.Single(_host.Events.Posts<PostFailed>("p-nobody"));
        Assert.Contains("c-nobody", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(_host.Sandbox.Control.Requests);
    }

    [Fact]
    public async Task Text_of_3000_emoji_is_3000_code_points_and_is_posted()
    {
        await _host.ConnectAsync("c-emoji");
        var text = string.Concat(Enumerable.Repeat("🚀", 3000));

        await _host.PublishAsync(Post("p-emoji", "c-emoji", text));

        Assert.Equal(6000, text.Length);
        Assert.Equal(text, Assert.Single(_host.LinkedInPosts).Text);
        Assert.Single(_host.Events.Posts<PostPublished>("p-emoji"));
    }

    [Fact]
    public async Task A_hundred_concurrent_posts_with_an_expiring_token_cause_one_refresh_exchange()
    {
        var (_, grant) = await _host.ConnectAsync("c-busy");
        _host.Advance(TimeSpan.FromDays(60) - TimeSpan.FromMinutes(3));

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => _host.Bus.Publish(Post($"p-busy-{i:000}", "c-busy"))));
        await _host.Activity.SettleAsync(TimeSpan.FromSeconds(90));

        Assert.Equal(1, _host.RefreshExchanges(grant.GrantId));
        Assert.Equal(100, _host.LinkedInPosts.Count);
        Assert.Equal(100, _host.LinkedInPosts.Select(p => p.Text).Distinct().Count());
        Assert.Single(_host.Events.Of<TokenRefreshed>("c-busy"));
        for (var i = 0; i < 100; i++)
        {
            Assert.Single(_host.Events.Posts<PostPublished>($"p-busy-{i:000}"));
        }
    }
}
