using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;
using TokenWorkers.Posts;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.Publishing;

/// <summary>
/// A PublishPost with images through the worker's bus, its SQLite ledger and file-system message-data repository, and the
/// sandbox over HTTP: an image that cannot be posted fails the post, naming the image, before any post call.
/// </summary>
public sealed class ImagePostPipelineTests
{
    [Fact]
    public async Task Bytes_put_in_the_workers_repository_that_are_not_an_image_fail_the_post_naming_the_image_and_nothing_is_posted()
    {
        await using var host = await PipelineHost.StartAsync();
        await host.ConnectAsync("c-img");
        var repository = host.Services.GetRequiredService<IMessageDataRepository>();
        var svg = await repository.PutBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8.ToArray(), TestContext.Current.CancellationToken);

        await host.PublishAsync(new PublishPost
        {
            PostId = "p-svg",
            ConnectionId = "c-img",
            Text = "A vector",
            Images = [new PostImage { Data = svg.Address, AltText = "A logo" }],
        });

        var failed = Assert.Single(host.Events.Posts<PostFailed>("p-svg"));
        Assert.Equal(FailureClass.Invalid, failed.FailureClass);
        Assert.StartsWith("Images[0] is not a JPG, GIF or PNG", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(host.LinkedInPosts);
        var entry = await host.PostAsync("p-svg");
        Assert.Equal((ImageStage.Pending, "A logo"), (Assert.Single(entry.Images).Stage, entry.Images[0].AltText));
    }

    [Fact]
    public async Task An_image_url_on_a_host_not_allowed_fails_the_post_on_arrival()
    {
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Publishing:Images:AllowedHosts:0"] = "cdn.example.com" });
        await host.ConnectAsync("c-img");

        await host.PublishAsync(new PublishPost
        {
            PostId = "p-ssrf",
            ConnectionId = "c-img",
            Text = "Internal",
            Images = [new PostImage { Url = new Uri("https://169.254.169.254/latest/meta-data") }],
        });

        var failed = Assert.Single(host.Events.Posts<PostFailed>("p-ssrf"));
        Assert.Equal("Images[0] is on host \"169.254.169.254\", which is not in Publishing:Images:AllowedHosts.", failed.Reason);
        Assert.Equal(0, (await host.PostAsync("p-ssrf")).Attempts);
    }

    [Fact]
    public async Task An_image_LinkedIn_could_not_process_fails_the_post_with_LinkedIns_reason()
    {
        var images = new RefusingProcessing();
        await using var host = await PipelineHost.StartAsync(configureServices: services => services.AddSingleton<ILinkedInImages>(images));
        await host.ConnectAsync("c-img");
        var png = await host.Services.GetRequiredService<IMessageDataRepository>().PutBytes(TestImages.Png(1200, 627), TestContext.Current.CancellationToken);

        await host.PublishAsync(new PublishPost { PostId = "p-broken", ConnectionId = "c-img", Text = "Broken", Images = [new PostImage { Data = png.Address }] });

        var failed = Assert.Single(host.Events.Posts<PostFailed>("p-broken"));
        Assert.Equal(FailureClass.Invalid, failed.FailureClass);
        Assert.Equal("Images[0]: LinkedIn could not process urn:li:image:C4E10AQFoyyAjHPMQuQ (ASSET_PROCESSING_FAILED).", failed.Reason);
        Assert.Empty(host.LinkedInPosts);
        var image = Assert.Single((await host.PostAsync("p-broken")).Images);
        Assert.Equal((ImageStage.Uploaded, "urn:li:image:C4E10AQFoyyAjHPMQuQ"), (image.Stage, image.ImageUrn));
        Assert.StartsWith("urn:li:person:", images.Owner, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fault_after_the_upload_gives_the_post_back_with_its_progress_and_the_next_dispatch_posts_without_uploading_again()
    {
        var images = new FlakyStatus();
        await using var host = await PipelineHost.StartAsync(
            configureServices: services => services.AddSingleton<ILinkedInImages>(images));
        await host.ConnectAsync("c-img");
        var png = await host.Services.GetRequiredService<IMessageDataRepository>().PutBytes(TestImages.Png(1200, 627), TestContext.Current.CancellationToken);

        await host.PublishAsync(new PublishPost { PostId = "p-flaky", ConnectionId = "c-img", Text = "Second time lucky", Images = [new PostImage { Data = png.Address }] });

        var givenBack = await host.PostAsync("p-flaky");
        Assert.Equal((PostState.Received, ImageStage.Uploaded), (givenBack.State, Assert.Single(givenBack.Images).Stage));
        Assert.Empty(host.LinkedInPosts);

        host.Advance(TimeSpan.FromMinutes(10));
        // The scan sends the command again from the ledger, images included (it once left them out, and the resend was refused).
        Assert.Equal(1, await host.ResumePostsAsync());

        Assert.Single(host.Events.Posts<PostPublished>("p-flaky"));
        Assert.Single(host.LinkedInPosts);
        Assert.Equal((1, 1, 2), (images.Registrations, images.Uploads, images.StatusReads));
        var entry = await host.PostAsync("p-flaky");
        Assert.Equal((ImageStage.Ready, "urn:li:image:D5F10AQH"), (Assert.Single(entry.Images).Stage, entry.Images[0].ImageUrn));
    }

    /// <summary>Registers and takes the bytes; the first read of the state never leaves (a transport fault), the next finds it AVAILABLE.</summary>
    private sealed class FlakyStatus : ILinkedInImages
    {
        public int Registrations { get; private set; }

        public int Uploads { get; private set; }

        public int StatusReads { get; private set; }

        public Task<ApiResult> RegisterUploadAsync(SecretToken accessToken, string ownerUrn, CancellationToken cancellationToken)
        {
            Registrations++;
            return Task.FromResult<ApiResult>(new ImageUploadRegistered("urn:li:image:D5F10AQH",
                new Uri("https://www.linkedin.com/dms-uploads/D5F10AQH/uploaded-image/0?ut=0a1b2c"), null));
        }

        public Task<ApiResult> UploadAsync(SecretToken accessToken, ImageUploadRegistered upload, ReadOnlyMemory<byte> bytes, string contentType,
            CancellationToken cancellationToken)
        {
            Uploads++;
            return Task.FromResult<ApiResult>(new ImageUploaded(upload.ImageUrn));
        }

        public Task<ApiResult> GetImageStatusAsync(SecretToken accessToken, string imageUrn, CancellationToken cancellationToken) =>
            ++StatusReads == 1
                ? throw new LinkedInTransportException("LinkedIn's images endpoint could not be reached")
                : Task.FromResult<ApiResult>(new ImageStatusRead(imageUrn, ImageProcessing.Available));
    }

    private sealed class RefusingProcessing : ILinkedInImages
    {
        public string? Owner { get; private set; }

        public Task<ApiResult> RegisterUploadAsync(SecretToken accessToken, string ownerUrn, CancellationToken cancellationToken)
        {
            Owner = ownerUrn;
            return Task.FromResult<ApiResult>(new ImageUploadRegistered("urn:li:image:C4E10AQFoyyAjHPMQuQ",
                new Uri("https://www.linkedin.com/dms-uploads/C4E10AQFoyyAjHPMQuQ/uploaded-image/0?ut=08zHQjMjAOLqc1"), null));
        }

        public Task<ApiResult> UploadAsync(SecretToken accessToken, ImageUploadRegistered upload, ReadOnlyMemory<byte> bytes, string contentType,
            CancellationToken cancellationToken) => Task.FromResult<ApiResult>(new ImageUploaded(upload.ImageUrn));

        public Task<ApiResult> GetImageStatusAsync(SecretToken accessToken, string imageUrn, CancellationToken cancellationToken) =>
            Task.FromResult<ApiResult>(new ImageStatusRead(imageUrn, ImageProcessing.ProcessingFailed, "ASSET_PROCESSING_FAILED"));
    }
}
