using System.Net.Http.Headers;
using System.Text;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Contracts;
using TokenWorkers.LinkedIn;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// DeletePost end to end: another service sends it over a real RabbitMQ broker to the worker host, which deletes the post at the
/// sandbox over HTTP (through <c>/v2/ugcPosts</c> or <c>/rest/posts</c>), records it in the SQLite ledger and announces
/// PostDeleted to the other service's queue; what cannot be done ends in <c>tokenworkers-delete-post_error</c> with its reason.
/// </summary>
public sealed class DeletePostOverRabbitMqTests : IAsyncLifetime
{
    private const string Tenant = "t";
    private RabbitMqWorkerEnvironment _environment = null!;
    private WebApplication _worker = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private LinkedInSandbox Sandbox => _environment.Sandbox;

    private EventRecorder OtherService => _environment.OtherService;

    public async ValueTask InitializeAsync() =>
        _environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);

    public async ValueTask DisposeAsync() => await _environment.DisposeAsync();

    [Theory]
    [InlineData("UgcPosts", SandboxEndpoint.DeleteUgcPost)]
    [InlineData("Posts", SandboxEndpoint.DeletePost)]
    public async Task A_published_post_is_deleted_at_LinkedIn_announced_once_and_a_second_DeletePost_calls_nothing(string api, SandboxEndpoint endpoint)
    {
        await StartWorkerAsync(api);
        var urn = await PublishAsync("del-1", "del-poster", "Soon deleted");

        await SendAsync(new DeletePost { PostId = "del-1", TenantId = Tenant });
        await PipelineHost.WaitUntilAsync(() => Deleted("del-1").Count >= 1, "PostDeleted at the other service", TimeSpan.FromSeconds(30));
        await SendAsync(new DeletePost { PostId = "del-1", TenantId = Tenant });
        await PipelineHost.WaitUntilAsync(() => Deleted("del-1").Count >= 2, "PostDeleted again for the second DeletePost", TimeSpan.FromSeconds(30));

        var deleted = Deleted("del-1");
        Assert.Single(deleted.Select(e => e.EventId).Distinct());
        Assert.All(deleted, e => Assert.Equal((urn, "del-poster", Tenant), (e.Urn, e.ConnectionId, e.TenantId)));
        Assert.NotNull(Assert.Single(Sandbox.Control.Posts).DeletedAt);
        var call = Assert.Single(Sandbox.Control.Requests, r => r.Endpoint is SandboxEndpoint.DeleteUgcPost or SandboxEndpoint.DeletePost);
        Assert.Equal((endpoint, 204, urn), (call.Endpoint, call.Status, call.PostUrn));
        var entry = await Ledger.FindAsync("del-1", Cancel);
        Assert.Equal(PostState.Deleted, entry!.State);
        Assert.Equal(entry.Version, deleted[0].Version);
        Assert.Empty(await ErrorReasonsAsync());
    }

    [Fact]
    public async Task Another_tenants_an_unknown_and_a_not_yet_published_post_are_refused_with_a_reason_and_nothing_is_deleted()
    {
        await StartWorkerAsync();
        await PublishAsync("del-mine", "del-owner", "Not yours to delete");
        await _environment.ConnectAsync("del-later", TimeSpan.FromDays(60), bindMember: true);
        var scheduled = new PublishPost { PostId = "del-scheduled", ConnectionId = "del-later", Text = "Next week", PublishAt = DateTimeOffset.UtcNow.AddDays(7) };
        await (await _environment.OtherServiceBus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"))).Send(scheduled, Cancel);
        await PipelineHost.WaitUntilAsync(() => OtherService.Posts<PostScheduled>("del-scheduled").Count == 1, "PostScheduled", TimeSpan.FromSeconds(30));

        await SendAsync(new DeletePost { PostId = "del-mine", TenantId = "someone-else" });
        await SendAsync(new DeletePost { PostId = "del-nobody", TenantId = Tenant });
        await SendAsync(new DeletePost { PostId = "del-scheduled", TenantId = Tenant });
        await SendAsync(new DeletePost { PostUrn = "urn:li:person:abc", ConnectionId = "del-owner", TenantId = Tenant });

        var reasons = await ErrorReasonsAsync(expected: 4);
        Assert.Contains(reasons, r => r.Contains("Post 'del-mine' is not in the ledger for tenant 'someone-else'", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("Post 'del-nobody' is not in the ledger", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("Send CancelPost", StringComparison.Ordinal) && r.Contains("del-scheduled", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("is not a post URN", StringComparison.Ordinal));
        Assert.DoesNotContain(Sandbox.Control.Requests, r => r.Endpoint is SandboxEndpoint.DeleteUgcPost or SandboxEndpoint.DeletePost);
        Assert.Null(Assert.Single(Sandbox.Control.Posts).DeletedAt);
        Assert.Equal(PostState.Published, (await Ledger.FindAsync("del-mine", Cancel))!.State);
        Assert.Equal(PostState.Scheduled, (await Ledger.FindAsync("del-scheduled", Cancel))!.State);
        Assert.Empty(OtherService.Deletions);
    }

    [Fact]
    public async Task A_post_made_elsewhere_is_deleted_by_its_URN_through_its_authors_connection()
    {
        await StartWorkerAsync();
        var (connection, grant) = await _environment.ConnectAsync("del-elsewhere", TimeSpan.FromDays(60), bindMember: true);
        var urn = await CreateAtLinkedInAsync(grant.AccessToken, connection.MemberUrn!, "Posted from LinkedIn's own app");

        await SendAsync(new DeletePost { PostUrn = urn, ConnectionId = "del-elsewhere", TenantId = Tenant });
        await PipelineHost.WaitUntilAsync(() => OtherService.Deletions.Count >= 1, "PostDeleted for the URN", TimeSpan.FromSeconds(30));
        await SendAsync(new DeletePost { PostUrn = urn, ConnectionId = "del-elsewhere", TenantId = "someone-else" });

        var deleted = Assert.Single(OtherService.Deletions);
        Assert.Equal((null, urn, "del-elsewhere", Tenant), (deleted.PostId, deleted.Urn, deleted.ConnectionId, deleted.TenantId));
        Assert.NotNull(Assert.Single(Sandbox.Control.Posts).DeletedAt);
        Assert.Contains("Connection 'del-elsewhere' does not exist for tenant 'someone-else'", Assert.Single(await ErrorReasonsAsync(expected: 1)), StringComparison.Ordinal);
        Assert.Single(Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.DeleteUgcPost);
    }

    [Fact]
    public async Task A_5xx_is_retried_and_the_post_is_deleted_once_the_retry_succeeds()
    {
        await StartWorkerAsync();
        await PublishAsync("del-flaky", "del-flaky-owner", "Deleted on the second try");
        Sandbox.Control.InjectFault(SandboxEndpoint.DeleteUgcPost, SandboxFault.ServiceUnavailable);

        await SendAsync(new DeletePost { PostId = "del-flaky", TenantId = Tenant });
        await PipelineHost.WaitUntilAsync(() => Deleted("del-flaky").Count >= 1, "PostDeleted after the retry", TimeSpan.FromSeconds(30));

        var calls = Sandbox.Control.Requests.Where(r => r.Endpoint == SandboxEndpoint.DeleteUgcPost).Select(r => r.Status).ToList();
        Assert.Equal([503, 204], calls);
        Assert.Single(Deleted("del-flaky"));
        Assert.Equal(PostState.Deleted, (await Ledger.FindAsync("del-flaky", Cancel))!.State);
        Assert.Empty(await ErrorReasonsAsync());
    }

    [Fact]
    public async Task Only_5xx_answers_leave_the_post_published_and_the_command_in_the_error_queue_after_the_declared_retries()
    {
        await StartWorkerAsync();
        await PublishAsync("del-down", "del-down-owner", "LinkedIn is down");
        Sandbox.Control.InjectFault(SandboxEndpoint.DeleteUgcPost, SandboxFault.InternalServerError, count: 10);

        await SendAsync(new DeletePost { PostId = "del-down", TenantId = Tenant });

        var reason = Assert.Single(await ErrorReasonsAsync(expected: 1));
        Assert.Contains("500", reason, StringComparison.Ordinal);
        // The first call and Publishing:QuickRetryCount (2 here) retries.
        Assert.Equal(3, Sandbox.Control.Requests.Count(r => r.Endpoint == SandboxEndpoint.DeleteUgcPost));
        Assert.Equal(PostState.Published, (await Ledger.FindAsync("del-down", Cancel))!.State);
        Assert.Null(Assert.Single(Sandbox.Control.Posts).DeletedAt);
        Assert.Empty(OtherService.Deletions);
    }

    private IPostLedger Ledger => _worker.Services.GetRequiredService<IPostLedger>();

    private async Task StartWorkerAsync(string api = "UgcPosts") =>
        _worker = await _environment.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Publishing:Api"] = api,
            ["Publishing:QuickRetryCount"] = "2",
            ["Publishing:QuickRetryInterval"] = "00:00:00.200",
        });

    private IReadOnlyList<PostDeleted> Deleted(string postId) => [.. OtherService.Deletions.Where(e => e.PostId == postId)];

    /// <summary>Publishes a post through the worker, as its sender would, and returns its URN once PostPublished arrives.</summary>
    private async Task<string> PublishAsync(string postId, string connectionId, string text)
    {
        await _environment.ConnectAsync(connectionId, TimeSpan.FromDays(60), bindMember: true);
        var endpoint = await _environment.OtherServiceBus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"));
        await endpoint.Send(new PublishPost { PostId = postId, ConnectionId = connectionId, TenantId = Tenant, Text = text }, Cancel);
        await PipelineHost.WaitUntilAsync(() => OtherService.Posts<PostPublished>(postId).Count == 1, $"PostPublished for {postId}", TimeSpan.FromSeconds(30));
        return OtherService.Posts<PostPublished>(postId)[0].Urn;
    }

    private async Task SendAsync(DeletePost command) =>
        await (await _environment.OtherServiceBus.GetSendEndpoint(new Uri("queue:tokenworkers-delete-post"))).Send(command, Cancel);

    /// <summary>A post the member made without the worker: straight at (sandbox) LinkedIn with their token.</summary>
    private async Task<string> CreateAtLinkedInAsync(string accessToken, string author, string text)
    {
        using var http = new HttpClient { BaseAddress = Sandbox.BaseAddress };
        var body = LinkedInApiClient.UgcPostsBody(author, new PostContent(text, PostVisibility.Public)).ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/ugcPosts") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        using var response = await http.SendAsync(request, Cancel);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return response.Headers.GetValues("x-restli-id").Single();
    }

    /// <summary>
    /// The fault reasons in <c>tokenworkers-delete-post_error</c>: waits until <paramref name="expected"/> are there (up to 30 s), or, with
    /// none expected, gives a fault a moment to arrive so that an empty answer means something.
    /// </summary>
    private async Task<List<string>> ErrorReasonsAsync(int expected = 0)
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
        var deadline = DateTime.UtcNow.AddSeconds(expected == 0 ? 2 : 30);
        while (DateTime.UtcNow < deadline && (expected == 0 || reasons.Count < expected))
        {
            if (await RefreshOverRabbitMqTests.TryGetAsync(connection, "tokenworkers-delete-post_error") is not { } got)
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
