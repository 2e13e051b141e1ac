using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// Posting as a Company Page end to end: another service sends PublishPost with an organization Author over a real RabbitMQ
/// broker; the worker checks the grant's scope and LinkedIn's organizationAcls at the sandbox over HTTP before posting, posts
/// with the page as author, or answers PostFailed (Permission) naming what is missing, without a post call.
/// </summary>
public sealed class OrganizationPostOverRabbitMqTests : IAsyncLifetime
{
    private const long PageId = 88910959;
    private const string Page = "urn:li:organization:88910959";
    private static readonly string[] PageScopes = ["openid", "profile", "w_member_social", "w_organization_social"];
    private static readonly string[] MemberScopes = ["openid", "profile", "w_member_social"];

    private RabbitMqWorkerEnvironment _environment = null!;
    private WebApplication _worker = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private LinkedInSandbox Sandbox => _environment.Sandbox;

    private EventRecorder OtherService => _environment.OtherService;

    private IPostLedger Ledger => _worker.Services.GetRequiredService<IPostLedger>();

    public async ValueTask InitializeAsync()
    {
        _environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        Sandbox.Control.CreateApp(RabbitMqWorkerEnvironment.ClientId, RabbitMqWorkerEnvironment.ClientSecret, programmaticRefresh: true,
            allowedScopes: ["openid", "profile", "email", "w_member_social", "w_organization_social"]);
        Sandbox.Control.CreateOrganization(PageId, "Acme");
    }

    public async ValueTask DisposeAsync() => await _environment.DisposeAsync();

    [Theory]
    [InlineData("UgcPosts", SandboxEndpoint.UgcPosts, SandboxEndpoint.OrganizationAcls)]
    [InlineData("Posts", SandboxEndpoint.Posts, SandboxEndpoint.RestOrganizationAcls)]
    public async Task An_administrators_page_post_goes_out_with_the_page_as_author(string api, SandboxEndpoint postEndpoint, SandboxEndpoint aclEndpoint)
    {
        await StartWorkerAsync(api);
        await ConnectAsync("org-admin", PageScopes, "ADMINISTRATOR");

        await SendAsync(new PublishPost { PostId = "org-1", ConnectionId = "org-admin", Text = "From the page", Author = Page });

        var published = await PublishedAsync("org-1");
        var post = Assert.Single(Sandbox.Control.Posts);
        Assert.Equal((published.Urn, Page, postEndpoint), (post.Urn, post.Author, post.Endpoint));
        Assert.Equal(200, Assert.Single(Sandbox.Control.Requests, r => r.Endpoint == aclEndpoint).Status);
        Assert.Equal(Page, (await Ledger.FindAsync("org-1", Cancel))!.Content.Author);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("ANALYST")]
    public async Task A_member_without_a_posting_role_gets_PostFailed_Permission_naming_the_page_and_nothing_is_posted(string? role)
    {
        await StartWorkerAsync();
        await ConnectAsync("org-analyst", PageScopes, role);

        await SendAsync(new PublishPost { PostId = "org-2", ConnectionId = "org-analyst", Text = "Not mine to post", Author = Page });

        var failed = await FailedAsync("org-2");
        Assert.Equal(FailureClass.Permission, failed.FailureClass);
        Assert.Contains(Page, failed.Reason, StringComparison.Ordinal);
        Assert.Contains("ADMINISTRATOR", failed.Reason, StringComparison.Ordinal);
        Assert.True(failed.CanResend);
        Assert.Single(Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.OrganizationAcls);
        Assert.DoesNotContain(Sandbox.Control.Requests, r => r.Endpoint is SandboxEndpoint.UgcPosts or SandboxEndpoint.Posts);
        var entry = await Ledger.FindAsync("org-2", Cancel);
        Assert.Equal((PostState.Failed, FailureClass.Permission), (entry!.State, entry.LastError!.Class));
    }

    [Fact]
    public async Task A_grant_without_w_organization_social_gets_PostFailed_Permission_naming_the_scope_without_any_call()
    {
        await StartWorkerAsync();
        await ConnectAsync("org-noscope", MemberScopes, "ADMINISTRATOR");

        await SendAsync(new PublishPost { PostId = "org-3", ConnectionId = "org-noscope", Text = "No scope", Author = Page });

        var failed = await FailedAsync("org-3");
        Assert.Equal(FailureClass.Permission, failed.FailureClass);
        Assert.Contains("w_organization_social", failed.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Sandbox.Control.Requests,
            r => r.Endpoint is SandboxEndpoint.OrganizationAcls or SandboxEndpoint.RestOrganizationAcls or SandboxEndpoint.UgcPosts or SandboxEndpoint.Posts);
    }

    [Fact]
    public async Task A_connection_that_does_not_know_its_scopes_asks_LinkedIn_and_a_403_to_the_role_lookup_is_PostFailed_Permission()
    {
        await StartWorkerAsync();
        await ConnectAsync("org-oldrow", scopes: null, "ADMINISTRATOR");

        await SendAsync(new PublishPost { PostId = "org-4", ConnectionId = "org-oldrow", Text = "Old row", Author = Page });

        var failed = await FailedAsync("org-4");
        Assert.Equal(FailureClass.Permission, failed.FailureClass);
        Assert.Contains("w_organization_social", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("403", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(403, Assert.Single(Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.OrganizationAcls).Status);
        Assert.DoesNotContain(Sandbox.Control.Requests, r => r.Endpoint is SandboxEndpoint.UgcPosts or SandboxEndpoint.Posts);
    }

    [Fact]
    public async Task The_role_lookup_is_cached_per_connection_and_asked_again_once_the_cache_duration_has_passed()
    {
        await StartWorkerAsync(cacheDuration: "00:00:02");
        await ConnectAsync("org-cached", PageScopes, "CONTENT_ADMINISTRATOR");

        await SendAsync(new PublishPost { PostId = "org-5a", ConnectionId = "org-cached", Text = "First", Author = Page });
        await PublishedAsync("org-5a");
        await SendAsync(new PublishPost { PostId = "org-5b", ConnectionId = "org-cached", Text = "Second", Author = Page });
        await PublishedAsync("org-5b");
        var afterTwo = AclCalls();
        await Task.Delay(TimeSpan.FromSeconds(2.5), Cancel);
        await SendAsync(new PublishPost { PostId = "org-5c", ConnectionId = "org-cached", Text = "Third", Author = Page });
        await PublishedAsync("org-5c");

        Assert.Equal(1, afterTwo);
        Assert.Equal(2, AclCalls());
        Assert.Equal(3, Sandbox.Control.Posts.Count(p => p.Author == Page));
    }

    [Fact]
    public async Task A_5xx_from_the_role_lookup_is_retried_like_a_posting_failure_and_the_post_goes_out()
    {
        await StartWorkerAsync();
        await ConnectAsync("org-flaky", PageScopes, "DIRECT_SPONSORED_CONTENT_POSTER");
        Sandbox.Control.InjectFault(SandboxEndpoint.OrganizationAcls, SandboxFault.ServiceUnavailable);

        await SendAsync(new PublishPost { PostId = "org-6", ConnectionId = "org-flaky", Text = "After a 503", Author = Page });

        await PublishedAsync("org-6");
        Assert.Equal([503, 200], Sandbox.Control.Requests.Where(r => r.Endpoint == SandboxEndpoint.OrganizationAcls).Select(r => r.Status));
        Assert.Equal(Page, Assert.Single(Sandbox.Control.Posts).Author);
    }

    [Fact]
    public async Task A_malformed_author_or_another_members_URN_goes_to_the_error_queue_with_a_reason_and_nothing_is_recorded()
    {
        await StartWorkerAsync();
        await ConnectAsync("org-bad", PageScopes, "ADMINISTRATOR");

        await SendAsync(new PublishPost { PostId = "org-7a", ConnectionId = "org-bad", Text = "Bad author", Author = "urn:li:company:acme" });
        await SendAsync(new PublishPost { PostId = "org-7b", ConnectionId = "org-bad", Text = "Someone else", Author = "urn:li:person:someoneElse1" });

        var reasons = await ErrorReasonsAsync(expected: 2);
        Assert.Contains(reasons, r => r.Contains("\"urn:li:company:acme\" is neither urn:li:organization:{digits}", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("\"urn:li:person:someoneElse1\" is not the connection's member", StringComparison.Ordinal));
        Assert.Null(await Ledger.FindAsync("org-7a", Cancel));
        Assert.Null(await Ledger.FindAsync("org-7b", Cancel));
        Assert.Empty(Sandbox.Control.Posts);
        Assert.Empty(OtherService.Posts<PostFailed>("org-7a"));
    }

    private async Task StartWorkerAsync(string api = "UgcPosts", string? cacheDuration = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Publishing:Api"] = api,
            ["Publishing:QuickRetryCount"] = "2",
            ["Publishing:QuickRetryInterval"] = "00:00:00.200",
        };
        if (cacheDuration is not null)
        {
            settings["Publishing:OrganizationAccessCacheDuration"] = cacheDuration;
        }

        _worker = await _environment.StartWorkerAsync(settings);
    }

    /// <summary>A connection bound to a new member who holds <paramref name="role"/> (APPROVED) on the page, when given.</summary>
    private async Task ConnectAsync(string connectionId, IReadOnlyList<string>? scopes, string? role)
    {
        var (connection, _) = await _environment.ConnectAsync(connectionId, TimeSpan.FromDays(60), bindMember: true, scopes);
        if (role is not null)
        {
            Sandbox.Control.AssignOrganizationRole(PageId, connection.MemberUrn!["urn:li:person:".Length..], role);
        }
    }

    private int AclCalls() => Sandbox.Control.Requests.Count(r => r.Endpoint == SandboxEndpoint.OrganizationAcls);

    private async Task SendAsync(PublishPost command) =>
        await (await _environment.OtherServiceBus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"))).Send(command, Cancel);

    private Task<PostPublished> PublishedAsync(string postId) => OtherService.FirstPostEventAsync<PostPublished>(postId);

    private Task<PostFailed> FailedAsync(string postId) => OtherService.FirstPostEventAsync<PostFailed>(postId);

    /// <summary>The fault reasons in <c>publish-post_error</c>, waiting up to 30 s for <paramref name="expected"/> of them.</summary>
    private async Task<List<string>> ErrorReasonsAsync(int expected)
    {
        var broker = _environment.Broker;
        var factory = new RabbitMQ.Client.ConnectionFactory
        {
            HostName = broker.Host,
            Port = broker.Port,
            VirtualHost = _environment.VirtualHost,
            UserName = broker.Username,
            Password = broker.Password,
        };
        await using var connection = await factory.CreateConnectionAsync(Cancel);
        var reasons = new List<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && reasons.Count < expected)
        {
            if (await RefreshOverRabbitMqTests.TryGetAsync(connection, "tokenworkers-publish-post_error") is not { } got)
            {
                await Task.Delay(100, Cancel);
                continue;
            }

            reasons.Add(got.BasicProperties.Headers?.TryGetValue("MT-Fault-Message", out var message) == true && message is byte[] bytes
                ? Encoding.UTF8.GetString(bytes)
                : "(no MT-Fault-Message header)");
        }

        return reasons;
    }
}
