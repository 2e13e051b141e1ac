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
