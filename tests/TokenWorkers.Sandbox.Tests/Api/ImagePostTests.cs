using System.Net;
using System.Net.Http.Json;
using TokenWorkers.Sandbox.Tests.Support;
using static TokenWorkers.Sandbox.Tests.Support.Images;

namespace TokenWorkers.Sandbox.Tests.Api;

/// <summary>
/// Posts that carry images (docs/linkedin-api.md §10.2–10.5): <c>content.media</c> (one) and <c>content.multiImage</c> (2–20) on
/// <c>/rest/posts</c>, IMAGE shares on <c>/v2/ugcPosts</c>; every image must exist, be the author's and be AVAILABLE.
/// </summary>
public sealed class ImagePostTests
{
    private const string OwnershipRefusal =
        """{"message":"com.linkedin.publishing.util.common.ResponseException: One or more of the assets is not owned by the author. All assets must be owned by the author","status":400}""";

    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 3)]
    [InlineData(false, 1)]
    [InlineData(false, 3)]
    public async Task A_post_with_available_images_is_created_and_the_control_api_shows_its_images(bool rest, int count)
    {
        await using var h = await StartWithPageAsync();
        var token = h.Seed(WithPages, PageApp).AccessToken;
        var urns = new string[count];
        for (var i = 0; i < count; i++)
        {
            urns[i] = await h.AvailableAsync(token, PageUrn, rest);
        }

        using var response = await h.PostImagesAsync(token, rest, PageUrn, "Pictures", urns);
        using var view = await h.Http.GetAsync("_sandbox/posts", Harness.Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var post = Assert.Single(h.Control.Posts);
        Assert.Equal(urns, post.Images.Select(i => i.Urn));
        Assert.False(post.Hidden);
        var first = post.Images[0];
        Assert.Equal(rest ? ("Alt 0", (string?)null) : ("Description 0", "Title 0"), (first.AltText, first.Title));
        var viewed = (await Harness.JsonAsync(view))[0].GetProperty("images");
        Assert.Equal(urns, viewed.EnumerateArray().Select(i => i.GetProperty("urn").GetString()));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_image_owned_by_someone_else_is_refused_with_LinkedIns_ownership_answer(bool rest)
    {
        await using var h = await StartWithPageAsync();
        var pages = h.Seed(WithPages, PageApp).AccessToken;
        var other = h.Seed(The.AllScopes, memberSub: The.OtherMemberSub).AccessToken;
        var pageImage = await h.AvailableAsync(pages, PageUrn, rest);
        var othersImage = await h.AvailableAsync(other, "urn:li:person:" + The.OtherMemberSub, rest);

        // The member's own post with the page's image, and with another member's.
        using var withPageImage = await h.PostImagesAsync(pages, rest, The.PersonUrn, "Not mine", pageImage);
        using var withOthersImage = await h.PostImagesAsync(pages, rest, The.PersonUrn, "Not mine either", othersImage);

        Assert.Equal(HttpStatusCode.BadRequest, withPageImage.StatusCode);
        Assert.Equal(OwnershipRefusal, await withPageImage.Content.ReadAsStringAsync(Harness.Ct));
        Assert.Equal(OwnershipRefusal, await withOthersImage.Content.ReadAsStringAsync(Harness.Ct));
        Assert.Empty(h.Control.Posts);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_image_still_processing_failed_or_never_uploaded_is_refused_and_an_unknown_one_too(bool rest)
    {
        await using var h = await Harness.StartAsync();
        var token = h.Seed().AccessToken;
        using var registered = rest ? await h.InitializeAsync(token, The.PersonUrn) : await h.RegisterAsync(token, The.PersonUrn);
        var (url, waiting) = await RegisteredAsync(registered);
        using var refusedWaiting = await h.PostImagesAsync(token, rest, The.PersonUrn, "Too early", waiting);
        using (await h.UploadAsync(url, Png(), token))
        {
        }

        using var refusedProcessing = await h.PostImagesAsync(token, rest, The.PersonUrn, "Too early", waiting);
        h.Control.FailNextImageProcessing();
        var failed = await h.AvailableAsync(token, The.PersonUrn, rest);
        using var refusedFailed = await h.PostImagesAsync(token, rest, The.PersonUrn, "Broken", failed);
        var unknown = rest ? "urn:li:image:C4E10AQNoSuchImage1" : "urn:li:digitalmediaAsset:C5522AQNoSuchAsset1";
        using var refusedUnknown = await h.PostImagesAsync(token, rest, The.PersonUrn, "Nothing", unknown);

        Assert.Equal($$"""{"message":"Image {{waiting}} is WAITING_UPLOAD, not AVAILABLE: create the post after its processing has finished","status":400}""",
            await refusedWaiting.Content.ReadAsStringAsync(Harness.Ct));
        Assert.Contains("is PROCESSING, not AVAILABLE", await refusedProcessing.Content.ReadAsStringAsync(Harness.Ct), StringComparison.Ordinal);
        Assert.Contains("is PROCESSING_FAILED, not AVAILABLE", await refusedFailed.Content.ReadAsStringAsync(Harness.Ct), StringComparison.Ordinal);
        Assert.Equal($$"""{"message":"Image {{unknown}} does not exist","status":400}""", await refusedUnknown.Content.ReadAsStringAsync(Harness.Ct));
        Assert.Empty(h.Control.Posts);
    }

    [Fact]
    public async Task With_AcceptHidden_a_post_whose_image_is_still_processing_is_created_hidden()
    {
        await using var h = await Harness.StartAsync(s => s.UnavailableImagePosts = UnavailableImagePosts.AcceptHidden);
        var token = h.Seed().AccessToken;
        using var registered = await h.InitializeAsync(token, The.PersonUrn);
        var (url, urn) = await RegisteredAsync(registered);
        using (await h.UploadAsync(url, Png(), token))
        {
        }

        using var response = await h.PostImagesAsync(token, rest: true, The.PersonUrn, "Posted too early", urn);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(Assert.Single(h.Control.Posts).Hidden);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(21)]
    public async Task MultiImage_takes_2_to_20_images(int count)
    {
        await using var h = await Harness.StartAsync(s => s.ImageProcessingDelay = TimeSpan.Zero);
        var token = h.Seed().AccessToken;
        var urns = new List<string>();
        for (var i = 0; i < count; i++)
        {
            urns.Add(await h.AvailableAsync(token, The.PersonUrn, rest: true));
        }

        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            author = The.PersonUrn,
            commentary = "Counted",
            visibility = "PUBLIC",
            distribution = new { feedDistribution = "MAIN_FEED" },
            content = new { multiImage = new { images = urns.Select(u => new { id = u }) } },
            lifecycleState = "PUBLISHED",
        });
        using var response = await h.PostJsonAsync(token, body);

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        Assert.Contains($"a multiImage post needs 2 to 20 images, not {count}", await response.Content.ReadAsStringAsync(Harness.Ct), StringComparison.Ordinal);
        Assert.Empty(h.Control.Posts);
    }

    [Fact]
    public async Task Each_api_takes_only_its_own_urns_and_a_too_long_alt_text_is_refused()
    {
        await using var h = await Harness.StartAsync(s => s.ImageProcessingDelay = TimeSpan.Zero);
        var token = h.Seed().AccessToken;
        var image = await h.AvailableAsync(token, The.PersonUrn, rest: true);
        var asset = await h.AvailableAsync(token, The.PersonUrn, rest: false);

        using var assetOnRest = await h.PostImagesAsync(token, rest: true, The.PersonUrn, "Wrong kind", asset);
        using var imageOnUgc = await h.PostImagesAsync(token, rest: false, The.PersonUrn, "Wrong kind", image);
        using var longAlt = await h.PostJsonAsync(token, MediaPost(The.PersonUrn, "Long alt", image).Replace("Alt 0", new string('a', 4087), StringComparison.Ordinal));

        Assert.Equal((HttpStatusCode)422, assetOnRest.StatusCode);
        Assert.Equal((HttpStatusCode)422, imageOnUgc.StatusCode);
        Assert.Contains("/content/media/altText :: length 4087 exceeds the maximum allowed length of 4086", await longAlt.Content.ReadAsStringAsync(Harness.Ct), StringComparison.Ordinal);
        Assert.Empty(h.Control.Posts);
    }

    [Fact]
    public async Task The_same_text_with_other_images_is_not_a_duplicate_but_with_the_same_images_it_is()
    {
        await using var h = await Harness.StartAsync(s => s.ImageProcessingDelay = TimeSpan.Zero);
        var token = h.Seed().AccessToken;
        var first = await h.AvailableAsync(token, The.PersonUrn, rest: true);
        var second = await h.AvailableAsync(token, The.PersonUrn, rest: true);

        using var one = await h.PostImagesAsync(token, rest: true, The.PersonUrn, "Same words", first);
        using var other = await h.PostImagesAsync(token, rest: true, The.PersonUrn, "Same words", second);
        using var again = await h.PostImagesAsync(token, rest: true, The.PersonUrn, "Same words", first);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, (HttpStatusCode)422], [one.StatusCode, other.StatusCode, again.StatusCode]);
        Assert.Contains("DUPLICATE_POST", await again.Content.ReadAsStringAsync(Harness.Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_processing_delay_set_over_http_applies_to_later_uploads()
    {
        await using var h = await Harness.StartAsync();
        var token = h.Seed().AccessToken;
        using (await h.Http.PutAsJsonAsync("_sandbox/images/processing", new { delayMs = 5000 }, Harness.Ct))
        {
        }

        using var registered = await h.InitializeAsync(token, The.PersonUrn);
        var (url, urn) = await RegisteredAsync(registered);
        using (await h.UploadAsync(url, Png(), token))
        {
        }

        h.Time.Advance(TimeSpan.FromSeconds(4));
        var before = h.Control.Images[0].Status;
        h.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(("PROCESSING", "AVAILABLE"), (before, h.Control.Images[0].Status));
        Assert.Equal(urn, h.Control.Images[0].Urn);
    }
}
