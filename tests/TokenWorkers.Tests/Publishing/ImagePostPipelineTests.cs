using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;
using TokenWorkers.Testing;
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
    public async Task A_members_post_with_an_image_is_registered_uploaded_and_posted_on_ugcPosts_once_the_image_is_available()
    {
        await using var host = await PipelineHost.StartAsync(sandboxSettings: Instant);
        var (connection, _) = await host.ConnectAsync("c-img");
        var png = await PutAsync(host, TestImages.Png(1200, 627));

        await host.PublishAsync(new PublishPost
        {
            PostId = "p-photo",
            ConnectionId = "c-img",
            Text = "With a photo",
            Images = [new PostImage { Data = png.Address, AltText = "Our team" }],
        });

        var published = Assert.Single(host.Events.Posts<PostPublished>("p-photo"));
        var post = Assert.Single(host.LinkedInPosts);
        Assert.Equal((post.Urn, SandboxEndpoint.UgcPosts, connection.MemberUrn), (published.Urn, post.Endpoint, post.Author));
        var image = Assert.Single(host.Sandbox.Control.Images);
        Assert.Equal(image.Urn, Assert.Single(post.Images).Urn);
        Assert.Equal((SandboxImageStatus.Available, connection.MemberUrn), (image.Status, image.Owner));
        var entry = await host.PostAsync("p-photo");
        Assert.Equal((ImageStage.Ready, image.Urn), (Assert.Single(entry.Images).Stage, entry.Images[0].ImageUrn));
        Assert.Equal(1, Calls(host, SandboxEndpoint.AssetUpload));
    }

    [Fact]
    public async Task A_page_post_with_three_images_goes_out_on_rest_posts_with_every_image_owned_by_the_page()
    {
        await using var host = await PipelineHost.StartAsync(
            new Dictionary<string, string?> { ["Publishing:Api"] = "Posts", ["Publishing:LinkedInVersion"] = "202511" }, Instant);
        // A second app at the sandbox that may grant the organization scope (the worker calls the API with the member's token only).
        string[] scopes = ["openid", "profile", "email", "w_member_social", "w_organization_social"];
        host.Sandbox.Control.CreateApp("tw-pages", "tw-pages-secret", allowedScopes: scopes);
        var (connection, _) = await host.ConnectAsync("c-page", scopes: scopes, clientId: "tw-pages");
        var page = host.Sandbox.Control.CreateOrganization(2414183, "Acme Corp");
        host.Sandbox.Control.AssignOrganizationRole(page.Id, connection.MemberUrn!["urn:li:person:".Length..]);
        PostImage[] images =
        [
            new() { Data = (await PutAsync(host, TestImages.Png(1200, 627))).Address, AltText = "First" },
            new() { Data = (await PutAsync(host, TestImages.Png(800, 800))).Address, AltText = "Second" },
            new() { Data = (await PutAsync(host, TestImages.Png(640, 480))).Address },
        ];

        await host.PublishAsync(new PublishPost
        {
            PostId = "p-gallery",
            ConnectionId = "c-page",
            Author = $"urn:li:organization:{page.Id}",
            Text = "Three from the launch",
            Images = images,
        });

        Assert.Single(host.Events.Posts<PostPublished>("p-gallery"));
        var post = Assert.Single(host.LinkedInPosts);
        Assert.Equal((SandboxEndpoint.Posts, $"urn:li:organization:{page.Id}"), (post.Endpoint, post.Author));
        Assert.Equal(["First", "Second", null], post.Images.Select(i => i.AltText));
        Assert.Equal(3, host.Sandbox.Control.Images.Count);
        Assert.All(host.Sandbox.Control.Images, i => Assert.Equal(($"urn:li:organization:{page.Id}", SandboxImageStatus.Available), (i.Owner, i.Status)));
        Assert.Equal(host.Sandbox.Control.Images.Select(i => i.Urn).Order(), post.Images.Select(i => i.Urn).Order());
    }

    [Fact]
    public async Task An_image_over_the_size_limit_fails_the_post_before_anything_is_registered_at_LinkedIn()
    {
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["Publishing:Images:MaxBytes"] = "1024" }, Instant);
        await host.ConnectAsync("c-img");
        var large = TestImages.Png(1200, 627);
        Array.Resize(ref large, 4096);

        await host.PublishAsync(new PublishPost
        {
            PostId = "p-large",
            ConnectionId = "c-img",
            Text = "Too big",
            Images = [new PostImage { Data = (await PutAsync(host, large)).Address }],
        });

        var failed = Assert.Single(host.Events.Posts<PostFailed>("p-large"));
        Assert.Equal(FailureClass.Invalid, failed.FailureClass);
        Assert.StartsWith("Images[0]", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("1024", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(host.Sandbox.Control.Images);
        Assert.Equal(0, Calls(host, SandboxEndpoint.RegisterAssetUpload) + Calls(host, SandboxEndpoint.UgcPosts));
    }

    [Fact]
    public async Task A_gif_of_more_than_250_frames_fails_the_post_before_any_of_its_images_is_registered_at_LinkedIn()
    {
        await using var host = await PipelineHost.StartAsync(sandboxSettings: Instant);
        await host.ConnectAsync("c-img");

        await host.PublishAsync(new PublishPost
        {
            PostId = "p-gif",
            ConnectionId = "c-img",
            Text = "Too many frames",
            Images =
            [
                new PostImage { Data = (await PutAsync(host, TestImages.Png(1200, 627))).Address },
                new PostImage { Data = (await PutAsync(host, TestImages.AnimatedGif(251))).Address },
            ],
        });

        var failed = Assert.Single(host.Events.Posts<PostFailed>("p-gif"));
        Assert.Equal(FailureClass.Invalid, failed.FailureClass);
        Assert.Equal("Images[1] is a GIF of more than 250 frames; LinkedIn takes up to 250.", failed.Reason);
        Assert.Empty(host.Sandbox.Control.Images);
        Assert.Equal(0, Calls(host, SandboxEndpoint.RegisterAssetUpload) + Calls(host, SandboxEndpoint.UgcPosts));
    }

    [Fact]
    public async Task An_image_LinkedIn_could_not_process_fails_the_post_with_LinkedIns_reason_and_nothing_is_posted()
    {
        await using var host = await PipelineHost.StartAsync(sandboxSettings: Instant);
        await host.ConnectAsync("c-img");
        host.Sandbox.Control.FailNextImageProcessing();

        await host.PublishAsync(new PublishPost
        {
            PostId = "p-broken",
            ConnectionId = "c-img",
            Text = "Broken",
            Images = [new PostImage { Data = (await PutAsync(host, TestImages.Png(1200, 627))).Address }],
        });

        var failed = Assert.Single(host.Events.Posts<PostFailed>("p-broken"));
        Assert.Equal(FailureClass.Invalid, failed.FailureClass);
        Assert.StartsWith("Images[0]: LinkedIn could not process urn:li:digitalmediaAsset:", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(host.LinkedInPosts);
        Assert.Equal(0, Calls(host, SandboxEndpoint.UgcPosts));
    }

    [Fact]
    public async Task A_post_call_that_fails_after_the_uploads_is_settled_with_the_same_images_and_nothing_is_uploaded_twice()
    {
        await using var host = await PipelineHost.StartAsync(sandboxSettings: Instant);
        await host.ConnectAsync("c-img");
        // LinkedIn answers 503 to the post call only: the image is registered, uploaded and AVAILABLE; the post may or may not
        // exist (a 5xx to a post is as uncertain as no answer), so it is settled later by sending the same content again.
        host.Sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.ServiceUnavailable);

        await host.PublishAsync(new PublishPost
        {
            PostId = "p-retry",
            ConnectionId = "c-img",
            Text = "Second time lucky",
            Images = [new PostImage { Data = (await PutAsync(host, TestImages.Png(1200, 627))).Address }],
        });

        var givenBack = await host.PostAsync("p-retry");
        Assert.Equal((PostState.Unknown, ImageStage.Ready), (givenBack.State, Assert.Single(givenBack.Images).Stage));
        Assert.Empty(host.LinkedInPosts);

        host.Advance(TimeSpan.FromMinutes(10));
        // The scan sends the command again from the ledger, images included (it once left them out, and the resend was refused).
        Assert.Equal(1, await host.ResumePostsAsync());

        Assert.Single(host.Events.Posts<PostPublished>("p-retry"));
        var post = Assert.Single(host.LinkedInPosts);
        Assert.Equal(givenBack.Images[0].ImageUrn, Assert.Single(post.Images).Urn);
        Assert.Equal((1, 1, 2), (Calls(host, SandboxEndpoint.RegisterAssetUpload), Calls(host, SandboxEndpoint.AssetUpload), Calls(host, SandboxEndpoint.UgcPosts)));
    }

    private static readonly SandboxSettings Instant = new() { ImageProcessingDelay = TimeSpan.Zero };

    private static Task<MessageData<byte[]>> PutAsync(PipelineHost host, byte[] bytes) =>
        host.Services.GetRequiredService<IMessageDataRepository>().PutBytes(bytes, TestContext.Current.CancellationToken);

    private static int Calls(PipelineHost host, SandboxEndpoint endpoint) => host.Sandbox.Control.Requests.Count(r => r.Endpoint == endpoint);
}
