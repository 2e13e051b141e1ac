using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Publishing;

/// <summary>
/// DeletePost on the worker's pipeline with the sandbox over HTTP and a fake clock, for what needs the clock moved: the token
/// path is posting's (a 401 is cured by one refresh and one more call). The end-to-end cases over RabbitMQ are in
/// <c>DeletePostOverRabbitMqTests</c>.
/// </summary>
public sealed class DeletePostTests
{
    [Fact]
    public async Task A_401_to_the_delete_is_cured_by_one_refresh_and_one_more_call()
    {
        await using var host = await PipelineHost.StartAsync();
        var (_, grant) = await host.ConnectAsync("c-stale-delete");
        await host.PublishAsync(new PublishPost { PostId = "p-stale-delete", ConnectionId = "c-stale-delete", Text = "Deleted after a 401" });
        // LinkedIn's access token ran out (61 days) while the worker believed it good: the delete call gets a 401.
        host.Advance(TimeSpan.FromDays(61));
        await host.WriteAsync("c-stale-delete", c => c with { AccessTokenExpiresAt = host.Now.AddDays(5) });

        await host.Bus.Publish(new DeletePost { PostId = "p-stale-delete", TenantId = "tenant-1" }, TestContext.Current.CancellationToken);
        await host.Activity.SettleAsync();

        var calls = host.Sandbox.Control.Requests.Where(r => r.Endpoint == SandboxEndpoint.DeleteUgcPost).Select(r => r.Status).ToArray();
        Assert.Equal([401, 204], calls);
        Assert.Equal(1, host.RefreshExchanges(grant.GrantId));
        Assert.NotNull(Assert.Single(host.LinkedInPosts).DeletedAt);
        Assert.Equal("p-stale-delete", Assert.Single(host.Events.Deletions).PostId);
        Assert.Equal(PostState.Deleted, (await host.PostAsync("p-stale-delete")).State);
        Assert.Empty(host.Events.Of<ReauthRequired>("c-stale-delete"));
    }
}
