using System.Buffers.Binary;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;

namespace TokenWorkers.Tests.LinkedIn;

/// <summary>
/// <see cref="LinkedInImagesClient"/> and the image bodies of <see cref="LinkedInApiClient.CreatePostAsync"/> against the sandbox on a
/// real socket, on both APIs: register, upload, status, post; the refusals and faults of each step; no secret in any answer.
/// </summary>
public sealed class LinkedInImagesClientTests : IAsyncLifetime
{
    private const string ClientId = "tw-images";
    private const string ClientSecret = "tw-images-SENTINEL-secret";
    private const long Page = 71234567;
    private const string PageUrn = "urn:li:organization:71234567";

    // Sandbox tests start on 2026-03-10, when 202602 is served.
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    private LinkedInSandbox _sandbox = null!;
    private SeededGrant _member = null!;
    private SeededGrant _pages = null!;
    private string _memberUrn = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await LinkedInSandbox.StartAsync(timeProvider: _time, cancellationToken: Cancel);
        _sandbox.Control.CreateApp(ClientId, ClientSecret, allowedScopes: ["openid", "profile", "email", "w_member_social", "w_organization_social"]);
        var member = _sandbox.Control.CreateMember();
        _memberUrn = "urn:li:person:" + member.Sub;
        _sandbox.Control.CreateOrganization(Page, "Acme");
        _sandbox.Control.AssignOrganizationRole(Page, member.Sub);
        _member = _sandbox.Control.SeedGrant(ClientId, member.Sub, "openid", "profile", "w_member_social");
        _pages = _sandbox.Control.SeedGrant(ClientId, member.Sub, "openid", "profile", "w_member_social", "w_organization_social");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _sandbox.DisposeAsync();
    }

    [Theory]
    [InlineData(PostingApi.Posts, 1)]
    [InlineData(PostingApi.Posts, 3)]
    [InlineData(PostingApi.UgcPosts, 1)]
    [InlineData(PostingApi.UgcPosts, 3)]
    public async Task Register_upload_status_and_a_post_with_the_images_go_through_on_both_apis(PostingApi api, int count)
    {
        var images = Images(api);
        var token = Token(_pages);
        var ready = new List<ReadyImage>();
        var results = new List<ApiResult>();
        for (var i = 0; i < count; i++)
        {
            var registeredAt = _time.GetUtcNow();
            var registered = Assert.IsType<ImageUploadRegistered>(await images.RegisterUploadAsync(token, PageUrn, Cancel));
            var uploaded = await images.UploadAsync(token, registered, Png(800 + i, 600), "image/png", Cancel);
            var processing = await images.GetImageStatusAsync(token, registered.ImageUrn, Cancel);
            _time.Advance(TimeSpan.FromSeconds(2));
            var available = await images.GetImageStatusAsync(token, registered.ImageUrn, Cancel);

            Assert.StartsWith(api == PostingApi.Posts ? "urn:li:image:" : "urn:li:digitalmediaAsset:", registered.ImageUrn, StringComparison.Ordinal);
            Assert.Equal(api == PostingApi.Posts ? registeredAt.AddHours(1) : null, registered.UploadUrlExpiresAt);
            Assert.Equal(new ImageUploaded(registered.ImageUrn), uploaded);
            Assert.Equal(new ImageStatusRead(registered.ImageUrn, ImageProcessing.Processing), processing);
            Assert.Equal(new ImageStatusRead(registered.ImageUrn, ImageProcessing.Available), available);
            ready.Add(new ReadyImage(registered.ImageUrn, i == 0 ? "A chart" : null));
            results.AddRange([registered, uploaded, processing, available]);
        }

        var created = await Client(api).CreatePostAsync(token, PageUrn, new PostContent("With pictures", PostVisibility.Public), ready, Cancel);
        var again = await Client(api).CreatePostAsync(token, PageUrn, new PostContent("With pictures", PostVisibility.Public), ready, Cancel);

        var post = Assert.Single(_sandbox.Control.Posts);
        Assert.Equal(new PostCreated(post.Urn), created);
        Assert.Equal(new PostDuplicate(post.Urn), again);
        Assert.Equal(ready.Select(r => r.ImageUrn), post.Images.Select(i => i.Urn));
        Assert.Equal(api == PostingApi.Posts ? "A chart" : null, post.Images[0].AltText);
        Assert.All(results.Append(created), r => Assert.DoesNotContain(_pages.AccessToken, r.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_member_token_cannot_read_rest_images_and_gets_Unreadable_and_the_post_still_goes_out_once_processed()
    {
        var images = Images(PostingApi.Posts);
        var token = Token(_member);
        var registered = Assert.IsType<ImageUploadRegistered>(await images.RegisterUploadAsync(token, _memberUrn, Cancel));
        await images.UploadAsync(token, registered, Png(), "image/png", Cancel);

        var status = await images.GetImageStatusAsync(token, registered.ImageUrn, Cancel);
        _time.Advance(TimeSpan.FromSeconds(2));
        var created = await Client(PostingApi.Posts).CreatePostAsync(
            token, _memberUrn, new PostContent("Mine", PostVisibility.Public), [new ReadyImage(registered.ImageUrn, null)], Cancel);

        Assert.Equal(new ImageStatusRead(registered.ImageUrn, ImageProcessing.Unreadable), status);
        Assert.IsType<PostCreated>(created);
    }

    [Theory]
    [InlineData("https://uploads.example.com/dms-uploads/X/uploaded-image/0?ut=abc")]
    [InlineData("http://www.linkedin.com/dms-uploads/X/uploaded-image/0?ut=abc")]
    [InlineData("https://www.linkedin.com:8443/dms-uploads/X/uploaded-image/0?ut=abc")]
    [InlineData("https://user:pw@www.linkedin.com/dms-uploads/X/uploaded-image/0")]
    [InlineData("https://www.linkedin.com.example.com/dms-uploads/X/uploaded-image/0")]
    public async Task An_upload_url_off_LinkedIns_hosts_is_refused_without_a_request(string url)
    {
        var upload = new ImageUploadRegistered("urn:li:image:C4E10AQelsewhere", new Uri(url), null);

        var result = await Images(PostingApi.Posts).UploadAsync(Token(_member), upload, Png(), "image/png", Cancel);

        var refused = Assert.IsType<ApiRejected>(result);
        Assert.Equal((FailureClass.Invalid, 0), (refused.Class, refused.Status));
        Assert.StartsWith("Refused to upload the image to ", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ut=", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_sandbox.Control.Requests);
    }

    [Fact]
    public async Task An_upload_url_on_the_api_host_but_another_port_or_scheme_is_refused_and_the_sandboxs_own_is_taken()
    {
        var images = Images(PostingApi.Posts);
        var registered = Assert.IsType<ImageUploadRegistered>(await images.RegisterUploadAsync(Token(_member), _memberUrn, Cancel));
        var otherPort = new UriBuilder(registered.UploadUrl) { Port = registered.UploadUrl.Port + 1 }.Uri;
        var otherScheme = new UriBuilder(registered.UploadUrl) { Scheme = "https", Port = registered.UploadUrl.Port }.Uri;

        var port = await images.UploadAsync(Token(_member), registered with { UploadUrl = otherPort }, Png(), "image/png", Cancel);
        var scheme = await images.UploadAsync(Token(_member), registered with { UploadUrl = otherScheme }, Png(), "image/png", Cancel);
        var own = await images.UploadAsync(Token(_member), registered, Png(), "image/png", Cancel);

        Assert.Equal(FailureClass.Invalid, Assert.IsType<ApiRejected>(port).Class);
        Assert.Equal(FailureClass.Invalid, Assert.IsType<ApiRejected>(scheme).Class);
        Assert.IsType<ImageUploaded>(own);
        Assert.Single(_sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.ImageUpload);
    }

    [Theory]
    [InlineData(PostingApi.Posts)]
    [InlineData(PostingApi.UgcPosts)]
    public async Task Bytes_LinkedIn_cannot_process_read_back_as_ProcessingFailed_with_its_reason(PostingApi api)
    {
        var images = Images(api);
        var token = Token(_pages);
        var registered = Assert.IsType<ImageUploadRegistered>(await images.RegisterUploadAsync(token, PageUrn, Cancel));
        await images.UploadAsync(token, registered, Png(7000, 6000), "image/png", Cancel);
        _time.Advance(TimeSpan.FromSeconds(2));

        var status = Assert.IsType<ImageStatusRead>(await images.GetImageStatusAsync(token, registered.ImageUrn, Cancel));

        Assert.Equal(ImageProcessing.ProcessingFailed, status.State);
        // The Assets API reports the state only; the Images API says why.
        Assert.Equal(api == PostingApi.Posts ? "The image has 42,000,000 pixels (7000x6000); images must have less than 36,152,320 pixels" : null, status.FailureReason);
    }

    [Theory]
    [InlineData(PostingApi.Posts)]
    [InlineData(PostingApi.UgcPosts)]
    public async Task Refusals_map_to_failure_classes_and_lost_answers_throw_without_secrets(PostingApi api)
    {
        var images = Images(api);
        var token = Token(_member);
        var register = api == PostingApi.Posts ? SandboxEndpoint.InitializeImageUpload : SandboxEndpoint.RegisterAssetUpload;
        var upload = api == PostingApi.Posts ? SandboxEndpoint.ImageUpload : SandboxEndpoint.AssetUpload;

        var notOwner = Assert.IsType<ApiRejected>(await images.RegisterUploadAsync(token, PageUrn, Cancel));
        _sandbox.Control.InjectFault(register, SandboxFault.ServiceUnavailable);
        var unavailable = Assert.IsType<ApiRejected>(await images.RegisterUploadAsync(token, _memberUrn, Cancel));
        var registered = Assert.IsType<ImageUploadRegistered>(await images.RegisterUploadAsync(token, _memberUrn, Cancel));
        _sandbox.Control.InjectFault(upload, SandboxFault.DropAfterProcessing);
        var dropped = await Assert.ThrowsAsync<LinkedInTransportException>(() => images.UploadAsync(token, registered, Png(), "image/png", Cancel));
        _sandbox.Control.RevokeGrant(_member.GrantId);
        var revoked = Assert.IsType<ApiRejected>(await images.GetImageStatusAsync(token, registered.ImageUrn, Cancel));

        Assert.Equal((FailureClass.Permission, 403), (notOwner.Class, notOwner.Status));
        Assert.Equal((FailureClass.Transient, 503), (unavailable.Class, unavailable.Status));
        Assert.Equal((FailureClass.Reauth, 401), (revoked.Class, revoked.Status));
        Assert.StartsWith("LinkedIn's image upload ", dropped.Message, StringComparison.Ordinal);
        foreach (var text in new[] { notOwner.ToString(), unavailable.ToString(), revoked.ToString(), dropped.ToString() })
        {
            Assert.DoesNotContain(_member.AccessToken, text, StringComparison.Ordinal);
            Assert.DoesNotContain(ClientSecret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_sunset_version_on_the_images_api_is_a_configuration_failure()
    {
        var images = new LinkedInImagesClient(_http, Options.Create(Settings()), Options.Create(new LinkedInPostingOptions { Api = PostingApi.Posts, LinkedInVersion = "202401" }), _time);

        var refused = Assert.IsType<ApiRejected>(await images.RegisterUploadAsync(Token(_member), _memberUrn, Cancel));

        Assert.Equal((FailureClass.Configuration, 426), (refused.Class, refused.Status));
    }

    [Theory]
    [InlineData(PostingApi.Posts)]
    [InlineData(PostingApi.UgcPosts)]
    public async Task Images_and_an_article_together_or_more_than_20_images_are_refused_before_any_call(PostingApi api)
    {
        var article = new PostContent("Both", PostVisibility.Public, ArticleUrl: "https://example.com/a");
        var one = new[] { new ReadyImage("urn:li:image:C4E10AQone", null) };
        var many = Enumerable.Range(0, 21).Select(i => new ReadyImage($"urn:li:image:C4E10AQ{i}", null)).ToArray();

        await Assert.ThrowsAsync<ArgumentException>(() => Client(api).CreatePostAsync(Token(_member), _memberUrn, article, one, Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            Client(api).CreatePostAsync(Token(_member), _memberUrn, new PostContent("Many", PostVisibility.Public), many, Cancel));

        Assert.Empty(_sandbox.Control.Requests);
    }

    private static SecretToken Token(SeededGrant grant) => new(grant.AccessToken);

    private LinkedInOptions Settings() => new()
    {
        OAuthBaseUrl = _sandbox.BaseAddress,
        ApiBaseUrl = _sandbox.BaseAddress,
        ClientId = ClientId,
        ClientSecret = ClientSecret,
        RequestTimeout = TimeSpan.FromSeconds(3),
    };

    private static LinkedInPostingOptions Posting(PostingApi api) => new() { Api = api, LinkedInVersion = "202602" };

    private LinkedInImagesClient Images(PostingApi api) => new(_http, Options.Create(Settings()), Options.Create(Posting(api)), _time);

    private LinkedInApiClient Client(PostingApi api) => new(_http, Options.Create(Settings()), Options.Create(Posting(api)), _time);

    /// <summary>A PNG signature and IHDR: all LinkedIn's processing (and the sandbox's) reads to take or refuse it.</summary>
    private static byte[] Png(int width = 640, int height = 480)
    {
        var bytes = new byte[33];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 }.CopyTo(bytes, 0);
        "IHDR"u8.CopyTo(bytes.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        return bytes;
    }
}
