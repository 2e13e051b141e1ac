using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Contracts;
using TokenWorkers.LinkedIn;
using TokenWorkers.Outbox;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Publishing;

/// <summary>
/// A post's claim must outlive the post call: an inline refresh (or a 401 and its refresh) can use up most of it first,
/// and once it lapses another instance may take the post over and send it as well.
/// </summary>
public sealed class PostClaimTests
{
    private static readonly TimeSpan Claim = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_claim_mostly_used_by_an_inline_refresh_is_renewed_before_the_post_call()
    {
        TimeSpan? leftAtPostCall = null;
        PipelineHost? pipeline = null;
        await using var host = pipeline = await PipelineHost.StartAsync(configureServices: services =>
        {
            services.AddHttpClient<LinkedInOAuthClient>().AddHttpMessageHandler(() => CallHook.BeforeFirst(() => pipeline!.Advance(Claim - TimeSpan.FromSeconds(5))));
            services.AddHttpClient<LinkedInApiClient>().AddHttpMessageHandler(() => CallHook.BeforeFirst(() =>
            {
                var entry = pipeline!.PostAsync("p-slow-refresh").GetAwaiter().GetResult();
                leftAtPostCall = entry.Claim!.Until - pipeline.Now;
            }, path: "/v2/ugcPosts"));
        });
        await host.ConnectAsync("c-slow-refresh");
        await host.WriteAsync("c-slow-refresh", c => c with { AccessTokenExpiresAt = host.Now.AddMinutes(1) });

        await host.PublishAsync(new PublishPost { PostId = "p-slow-refresh", ConnectionId = "c-slow-refresh", Text = "After a slow refresh" });

        // The call may take LinkedIn:RequestTimeout (10 s here), plus 5 s to store the answer, plus 30 s of clock skew.
        Assert.NotNull(leftAtPostCall);
        Assert.True(leftAtPostCall >= TimeSpan.FromSeconds(45), $"the claim had {leftAtPostCall} left when the post was sent");
        Assert.Single(host.Events.Posts<PostPublished>("p-slow-refresh"));
    }

    [Fact]
    public async Task A_claim_taken_over_while_the_token_was_refreshed_is_not_used_to_post()
    {
        PipelineHost? pipeline = null;
        await using var host = pipeline = await PipelineHost.StartAsync(configureServices: services =>
            services.AddHttpClient<LinkedInOAuthClient>().AddHttpMessageHandler(() => CallHook.BeforeFirst(() =>
            {
                // The refresh outlived the claim, and another instance's resend took the post over meanwhile.
                pipeline!.Advance(Claim + TimeSpan.FromSeconds(1));
                using var scope = pipeline.Services.CreateScope();
                var taken = scope.ServiceProvider.GetRequiredService<AggregateWriter<PostEntry>>().UpdateAsync("p-taken", (e, now) =>
                    PostTransitions.Claim(e, now, "other-instance", Claim, TimeSpan.FromMinutes(10), null, TimeSpan.FromHours(1)), CancellationToken.None).GetAwaiter().GetResult();
                Assert.True(taken.Changed);
            })));
        await host.ConnectAsync("c-taken");
        await host.WriteAsync("c-taken", c => c with { AccessTokenExpiresAt = host.Now.AddMinutes(1) });

        await host.PublishAsync(new PublishPost { PostId = "p-taken", ConnectionId = "c-taken", Text = "Whose post is it" });

        Assert.DoesNotContain(host.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.UgcPosts);
        var entry = await host.PostAsync("p-taken");
        Assert.Equal(PostState.Publishing, entry.State);
        Assert.Equal("other-instance", entry.Claim!.Holder);
        Assert.Empty(host.Events.Posts<PostPublished>("p-taken"));
    }
}
