using MassTransit;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;
using TokenWorkers.Testing;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.Publishing;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// "A crash never uploads twice needlessly and never leaves a half post", at the level it is promised: a worker process is
/// SIGKILLed after it uploaded a post's image and before it posted, over a real broker, the sandbox over HTTP and the SQLite
/// store and message-data folder on disk that every instance shares; another instance finishes the post.
/// </summary>
public sealed class ImagePostCrashTests
{
    private static readonly Dictionary<string, string?> FastRecovery = new()
    {
        ["Refresh:ClockSkewTolerance"] = "00:00:00",
        ["LinkedIn:RequestTimeout"] = "00:00:03",
        ["Publishing:ClaimDuration"] = "00:00:10",
        ["Publishing:Images:PollEvery"] = "00:00:00.200",
    };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_worker_killed_between_the_upload_and_the_post_leaves_one_post_whose_image_was_uploaded_once()
    {
        await using var environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireAsync(), ownsBroker: false, Cancel);
        var doomed = await WorkerProcess.StartAsync(environment.WorkerSettings(FastRecovery), Cancel);
        await environment.OpenStoreAsync();
        await environment.ConnectAsync("crash-img", TimeSpan.FromDays(60), bindMember: true);
        var image = await environment.MessageData.PutBytes(TestImages.Png(1200, 627), Cancel);
        var command = new PublishPost
        {
            PostId = "crash-img-1",
            ConnectionId = "crash-img",
            TenantId = "t",
            Text = "Uploaded once",
            Images = [new PostImage { Data = image.Address }],
        };
        // LinkedIn holds the first reads of the image's state: the doomed instance has uploaded and is waiting to post.
        environment.Sandbox.Control.SetLatency(TimeSpan.FromSeconds(30), SandboxEndpoint.Asset);

        await SendAsync(environment, command);
        var uploaded = await WaitForAsync(environment, e => e is { State: PostState.Publishing, Images: [{ Stage: ImageStage.Uploaded }] }, "the image uploaded");
        doomed.KillAbruptly();
        await doomed.DisposeAsync();
        environment.Sandbox.Control.SetLatency(TimeSpan.Zero, SandboxEndpoint.Asset);
        Assert.Empty(environment.Sandbox.Control.Posts);

        await using var survivor = await WorkerProcess.StartAsync(environment.WorkerSettings(FastRecovery), Cancel);
        // The sender resends once the dead instance's claim has lapsed (the resumption scan would too, after RedispatchAfter).
        await Task.Delay(TimeSpan.FromSeconds(11), Cancel);
        await SendAsync(environment, command);

        var published = await environment.OtherService.FirstPostEventAsync<PostPublished>("crash-img-1");
        var post = Assert.Single(environment.Sandbox.Control.Posts);
        Assert.Equal(post.Urn, published.Urn);
        Assert.Equal(uploaded.Images[0].ImageUrn, Assert.Single(post.Images).Urn);
        int Calls(SandboxEndpoint endpoint) => environment.Sandbox.Control.Requests.Count(r => r.Endpoint == endpoint);
        Assert.Equal((1, 1, 1), (Calls(SandboxEndpoint.RegisterAssetUpload), Calls(SandboxEndpoint.AssetUpload), Calls(SandboxEndpoint.UgcPosts)));
        Assert.Equal(ImageStage.Ready, (await environment.Posts.FindAsync("crash-img-1", Cancel))!.Images[0].Stage);
        Assert.False(survivor.HasExited, survivor.Output);
    }

    private static async Task SendAsync(RabbitMqWorkerEnvironment environment, PublishPost command) =>
        await (await environment.OtherServiceBus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"))).Send(command, Cancel);

    private static async Task<PostEntry> WaitForAsync(RabbitMqWorkerEnvironment environment, Func<PostEntry, bool> reached, string what)
    {
        PostEntry? entry = null;
        await PipelineHost.WaitUntilAsync(async () =>
            (entry = await environment.Posts.FindAsync("crash-img-1", Cancel)) is { } found && reached(found), what, TimeSpan.FromSeconds(30),
            TimeSpan.FromMilliseconds(20));
        return entry!;
    }
}
