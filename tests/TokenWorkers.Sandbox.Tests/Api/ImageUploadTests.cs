using System.Net;
using System.Net.Http.Json;
using TokenWorkers.Sandbox.Tests.Support;
using static TokenWorkers.Sandbox.Tests.Support.Images;

namespace TokenWorkers.Sandbox.Tests.Api;

/// <summary>
/// The image upload flow of both APIs over HTTP (docs/linkedin-api.md §10): register, upload to the URL handed out, processing on
/// the sandbox clock, status reads; who may own and read an image; what fails processing.
/// </summary>
public sealed class ImageUploadTests
{
    [Fact]
    public async Task Images_api_initializes_takes_one_put_and_reports_each_processing_state_for_a_page_image()
    {
        await using var h = await StartWithPageAsync();
        var token = h.Seed(WithPages, PageApp).AccessToken;

        using var registered = await h.InitializeAsync(token, PageUrn);
        var value = (await Harness.JsonAsync(registered)).GetProperty("value");
        var (url, urn) = await RegisteredAsync(registered);
        using var waiting = await h.GetImageAsync(token, urn);
        var bytes = Png();
        using var uploaded = await h.UploadAsync(url, bytes, token);
        using var processing = await h.GetImageAsync(token, urn);
        h.Time.Advance(TimeSpan.FromSeconds(2));
        using var available = await h.GetImageAsync(token, urn);
        var availableBody = await Harness.JsonAsync(available);
        using var download = await h.Http.GetAsync(availableBody.GetProperty("downloadUrl").GetString(), Harness.Ct);

        Assert.Matches("^urn:li:image:C4E10AQ[A-Za-z0-9]{12}$", urn);
        Assert.Equal(h.Sandbox.BaseAddress.GetLeftPart(UriPartial.Authority), url.GetLeftPart(UriPartial.Authority));
        Assert.Matches($"^/dms-uploads/{urn["urn:li:image:".Length..]}/uploaded-image/0$", url.AbsolutePath);
        Assert.Contains("ut=", url.Query, StringComparison.Ordinal);
        Assert.Equal((The.Start + TimeSpan.FromHours(1)).ToUnixTimeMilliseconds(), value.GetProperty("uploadUrlExpiresAt").GetInt64());
        Assert.Equal(
            $$"""{"owner":"{{PageUrn}}","status":"WAITING_UPLOAD","id":"{{urn}}"}""",
            await waiting.Content.ReadAsStringAsync(Harness.Ct));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        Assert.Empty(await uploaded.Content.ReadAsByteArrayAsync(Harness.Ct));
        Assert.Equal("PROCESSING", (await Harness.JsonAsync(processing)).GetProperty("status").GetString());
        Assert.Equal("AVAILABLE", availableBody.GetProperty("status").GetString());
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync(Harness.Ct));
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
        var listed = Assert.Single(h.Control.Images);
        Assert.Equal((urn, PageUrn, SandboxImageApi.Images, 640, 480), (listed.Urn, listed.Owner, listed.Api, listed.Width!.Value, listed.Height!.Value));
        Assert.Equal(
            [SandboxEndpoint.InitializeImageUpload, SandboxEndpoint.Image, SandboxEndpoint.ImageUpload, SandboxEndpoint.Image, SandboxEndpoint.Image],
            h.Control.Requests.Select(r => r.Endpoint));
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    public async Task Assets_api_registers_a_member_image_takes_the_bytes_by_put_or_post_and_reports_readiness_in_the_recipe(string verb)
    {
        await using var h = await Harness.StartAsync();
        var token = h.Seed().AccessToken;

        using var registered = await h.RegisterAsync(token, The.PersonUrn);
        var value = (await Harness.JsonAsync(registered)).GetProperty("value");
        var (url, urn) = await RegisteredAsync(registered);
        using var waiting = await h.GetAssetAsync(token, urn);
        using var uploaded = await h.UploadAsync(url, Jpeg(1200, 627), token, new HttpMethod(verb));
        using var processing = await h.GetAssetAsync(token, urn);
        h.Time.Advance(TimeSpan.FromSeconds(2));
        using var available = await h.GetAssetAsync(token, urn);

        var id = urn["urn:li:digitalmediaAsset:".Length..];
        Assert.Matches("^C5522AQ[A-Za-z0-9]{12}$", id);
        Assert.Matches($"^/mediaUpload/{id}/feedshare-uploadedImage/0$", url.AbsolutePath);
        Assert.Equal($"urn:li:digitalmediaMediaArtifact:({urn},urn:li:digitalmediaMediaArtifactClass:feedshare-uploadedImage)", value.GetProperty("mediaArtifact").GetString());
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var created = The.Start.ToUnixTimeMilliseconds();
        Assert.Equal(
            $$"""{"created":{{created}},"id":"{{id}}","lastModified":{{created}},"mediaTypeFamily":"STILLIMAGE","recipes":[{"recipe":"urn:li:digitalmediaRecipe:feedshare-image","status":"WAITING_UPLOAD"}],"serviceRelationships":[{"identifier":"urn:li:userGeneratedContent","relationshipType":"OWNER"}],"status":"ALLOWED"}""",
            await waiting.Content.ReadAsStringAsync(Harness.Ct));
        Assert.Equal("PROCESSING", RecipeStatus(await Harness.JsonAsync(processing)));
        Assert.Equal("AVAILABLE", RecipeStatus(await Harness.JsonAsync(available)));
        Assert.Equal((1200, 627, "image/jpeg"), (h.Control.Images[0].Width!.Value, h.Control.Images[0].Height!.Value, h.Control.Images[0].MediaType));
    }

    [Fact]
    public async Task A_member_token_may_not_read_rest_images_not_even_its_own()
    {
        await using var h = await Harness.StartAsync();
        var token = h.Seed().AccessToken;
        var urn = await h.AvailableAsync(token, The.PersonUrn, rest: true);

        using var read = await h.GetImageAsync(token, urn);

        var body = await Harness.ApiErrorAsync(read, HttpStatusCode.Forbidden, "ACCESS_DENIED");
        Assert.Equal("Accessing this image resource is forbidden. Please check your permissions for this resource", body.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Only_the_member_or_a_page_they_may_post_for_may_own_an_image(bool rest)
    {
        await using var h = await StartWithPageAsync();
        var memberOnly = h.Seed(The.AllScopes, PageApp).AccessToken;
        var pages = h.Seed(WithPages, PageApp).AccessToken;
        h.Control.CreateOrganization(123, "Not ours");
        Task<HttpResponseMessage> Register(string token, string owner) => rest ? h.InitializeAsync(token, owner) : h.RegisterAsync(token, owner);

        using var otherMember = await Register(pages, "urn:li:person:" + The.OtherMemberSub);
        using var pageWithoutScope = await Register(memberOnly, PageUrn);
        using var pageWithoutRole = await Register(pages, "urn:li:organization:123");
        using var own = await Register(memberOnly, The.PersonUrn);
        using var page = await Register(pages, PageUrn);

        foreach (var refused in new[] { otherMember, pageWithoutScope, pageWithoutRole })
        {
            var body = await Harness.ApiErrorAsync(refused, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100);
            Assert.Equal(rest ? "Not enough permissions to access: images.ACTION-initializeUpload.202602" : "Not enough permissions to access: assets.ACTION-registerUpload.NO_VERSION",
                body.GetProperty("message").GetString());
        }

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (own.StatusCode, page.StatusCode));
        Assert.Equal([The.PersonUrn, PageUrn], h.Control.Images.Select(i => i.Owner));
    }

    public static TheoryData<string, byte[], string> Unprocessable => new()
    {
        { "not an image", "%PDF-1.7 not a picture"u8.ToArray(), "The uploaded file is not a JPG, GIF or PNG image" },
        { "empty", [], "The uploaded file is not a JPG, GIF or PNG image" },
        { "png over the pixel limit", Png(7000, 6000), "The image has 42,000,000 pixels (7000x6000); images must have less than 36,152,320 pixels" },
        { "png at the pixel limit", Png(7360, 4912), "The image has 36,152,320 pixels (7360x4912); images must have less than 36,152,320 pixels" },
        { "jpeg over the pixel limit", Jpeg(65000, 600), "The image has 39,000,000 pixels (65000x600); images must have less than 36,152,320 pixels" },
        { "truncated png", Png()[..12], "The image/png header could not be read" },
        { "gif of 251 frames", AnimatedGif(251), "The GIF has more than 250 frames; GIF format supports up to 250 frames" },
    };

    [Theory]
    [MemberData(nameof(Unprocessable))]
    public async Task Bytes_that_are_not_a_usable_image_end_in_PROCESSING_FAILED_with_a_reason(string why, byte[] bytes, string reason)
    {
        await using var h = await StartWithPageAsync();
        var token = h.Seed(WithPages, PageApp).AccessToken;

        var urn = await h.AvailableAsync(token, PageUrn, rest: true, bytes);
        using var read = await h.GetImageAsync(token, urn);

        var body = await Harness.JsonAsync(read);
        Assert.True(body.GetProperty("status").GetString() == "PROCESSING_FAILED", why);
        Assert.Equal(reason, body.GetProperty("processingFailureReason").GetString());
        Assert.False(body.TryGetProperty("downloadUrl", out _));
    }

    [Fact]
    public async Task Gifs_of_up_to_250_frames_and_images_just_under_the_pixel_limit_are_processed()
    {
        await using var h = await StartWithPageAsync();
        var token = h.Seed(WithPages, PageApp).AccessToken;

        await h.AvailableAsync(token, PageUrn, rest: true, Gif(320, 200));
        await h.AvailableAsync(token, PageUrn, rest: true, Png(7360, 4911));
        await h.AvailableAsync(token, PageUrn, rest: true, AnimatedGif(250));

        Assert.Equal(["AVAILABLE", "AVAILABLE", "AVAILABLE"], h.Control.Images.Select(i => i.Status));
        Assert.Equal("image/gif", h.Control.Images[0].MediaType);
    }

    [Fact]
    public async Task The_control_api_sets_the_processing_delay_fails_the_next_upload_and_lists_images()
    {
        await using var h = await Harness.StartAsync();
        var token = h.Seed().AccessToken;
        using (var delay = await h.Http.PutAsJsonAsync("_sandbox/images/processing", new { delayMs = 0 }, Harness.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, delay.StatusCode);
        }

        using (var fail = await h.Http.PostAsJsonAsync("_sandbox/images/fail-next", new { reason = "Injected" }, Harness.Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, fail.StatusCode);
        }

        var failed = await h.AvailableAsync(token, The.PersonUrn, rest: false);
        var fine = await h.AvailableAsync(token, The.PersonUrn, rest: false);
        using var listed = await h.Http.GetAsync("_sandbox/images?owner=" + Uri.EscapeDataString(The.PersonUrn), Harness.Ct);
        using var badCount = await h.Http.PostAsJsonAsync("_sandbox/images/fail-next", new { count = 0 }, Harness.Ct);

        var images = (await Harness.JsonAsync(listed)).EnumerateArray().ToList();
        Assert.Equal([failed, fine], images.Select(i => i.GetProperty("urn").GetString()));
        Assert.Equal(["PROCESSING_FAILED", "AVAILABLE"], images.Select(i => i.GetProperty("status").GetString()));
        Assert.Equal("Injected", images[0].GetProperty("failureReason").GetString());
        Assert.False(images[0].TryGetProperty("uploadKey", out _));
        Assert.Equal(HttpStatusCode.BadRequest, badCount.StatusCode);
    }

    [Fact]
    public async Task An_upload_after_the_url_expired_or_to_a_url_with_a_wrong_key_is_refused_and_changes_nothing()
    {
        await using var h = await Harness.StartAsync();
        var token = h.Seed().AccessToken;
        using var registered = await h.InitializeAsync(token, The.PersonUrn);
        var (url, _) = await RegisteredAsync(registered);

        using var forged = await h.UploadAsync(new Uri(url.GetLeftPart(UriPartial.Path) + "?ut=guess"), Png(), token);
        h.Time.Advance(TimeSpan.FromHours(1));
        using var late = await h.UploadAsync(url, Png(), token);

        await Harness.ApiErrorAsync(forged, HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("""{"message":"The upload URL has expired; initialize a new upload","status":400}""", await late.Content.ReadAsStringAsync(Harness.Ct));
        Assert.Equal("WAITING_UPLOAD", Assert.Single(h.Control.Images).Status);
    }

    [Fact]
    public async Task Register_upload_and_status_calls_take_injected_faults_by_endpoint_name()
    {
        await using var h = await Harness.StartAsync();
        var token = h.Seed().AccessToken;
        using (var inject = await h.Http.PostAsJsonAsync("_sandbox/faults", new { endpoint = "initializeImageUpload", fault = "503" }, Harness.Ct))
        {
            Assert.Equal(HttpStatusCode.OK, inject.StatusCode);
        }

        using var unavailable = await h.InitializeAsync(token, The.PersonUrn);
        using var registered = await h.RegisterAsync(token, The.PersonUrn);
        var (url, urn) = await RegisteredAsync(registered);
        h.Control.InjectFault(SandboxEndpoint.AssetUpload, SandboxFault.DropAfterProcessing);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => h.UploadAsync(url, Png(), token));
        h.Control.InjectFault(SandboxEndpoint.Asset, SandboxFault.InternalServerError);
        using var statusFault = await h.GetAssetAsync(token, urn);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        Assert.Equal(SandboxImageApi.Assets, Assert.Single(h.Control.Images).Api);
        Assert.Equal("PROCESSING", h.Control.Images[0].Status);
        Assert.Equal(HttpStatusCode.InternalServerError, statusFault.StatusCode);
    }

    [Fact]
    public async Task Rest_images_needs_a_served_version_and_the_restli_header()
    {
        await using var h = await Harness.StartAsync();
        var token = h.Seed().AccessToken;

        using var missing = await h.InitializeAsync(token, The.PersonUrn, version: null);
        using var sunset = await h.InitializeAsync(token, The.PersonUrn, version: "202501");

        await Harness.ApiErrorAsync(missing, HttpStatusCode.BadRequest, "VERSION_MISSING");
        await Harness.ApiErrorAsync(sunset, (HttpStatusCode)426, "NONEXISTENT_VERSION");
        Assert.Empty(h.Control.Images);
    }

    private static string? RecipeStatus(System.Text.Json.JsonElement asset) => asset.GetProperty("recipes")[0].GetProperty("status").GetString();
}
