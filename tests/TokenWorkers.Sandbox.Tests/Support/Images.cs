using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

using TokenWorkers.Testing;

namespace TokenWorkers.Sandbox.Tests.Support;

/// <summary>Image bytes (just the headers LinkedIn's processing reads) and the image calls of both APIs over HTTP.</summary>
internal static class Images
{
    public const string PageApp = "pages-app";
    public const long Page = 88910959;
    public const string PageUrn = "urn:li:organization:88910959";
    public const string WithPages = "openid profile w_member_social w_organization_social";

    public static byte[] Png(int width = 640, int height = 480) => TestImages.Png(width, height);

    public static byte[] Gif(ushort width, ushort height) => TestImages.Gif(width, height);

    public static byte[] AnimatedGif(int frames, bool localColorTables = false) => TestImages.AnimatedGif(frames, localColorTables);

    public static byte[] Jpeg(ushort width, ushort height) => TestImages.Jpeg(width, height);

    public static async Task<Harness> StartWithPageAsync(Action<SandboxSettings>? configure = null)
    {
        var h = await Harness.StartAsync(configure);
        h.Control.CreateApp(PageApp, "pages-secret", allowedScopes: ["openid", "profile", "email", "w_member_social", "w_organization_social"]);
        h.Control.CreateOrganization(Page, "Acme");
        h.Control.AssignOrganizationRole(Page, The.MemberSub, "ADMINISTRATOR");
        return h;
    }

    public static async Task<HttpResponseMessage> InitializeAsync(this Harness h, string token, string owner, string? version = "202602")
    {
        using var request = Api(HttpMethod.Post, "rest/images?action=initializeUpload", token, version);
        request.Content = Json(new { initializeUploadRequest = new { owner } });
        return await h.Http.SendAsync(request, Harness.Ct);
    }

    public static async Task<HttpResponseMessage> RegisterAsync(this Harness h, string token, string owner, string recipe = "urn:li:digitalmediaRecipe:feedshare-image")
    {
        using var request = Api(HttpMethod.Post, "v2/assets?action=registerUpload", token, null);
        request.Content = Json(new
        {
            registerUploadRequest = new
            {
                recipes = new[] { recipe },
                owner,
                serviceRelationships = new[] { new { relationshipType = "OWNER", identifier = "urn:li:userGeneratedContent" } },
            },
        });
        return await h.Http.SendAsync(request, Harness.Ct);
    }

    /// <summary>The upload URL and URN of a successful register call of either API.</summary>
    public static async Task<(Uri UploadUrl, string Urn)> RegisteredAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var value = (await Harness.JsonAsync(response)).GetProperty("value");
        return value.TryGetProperty("image", out var image)
            ? (new Uri(value.GetProperty("uploadUrl").GetString()!), image.GetString()!)
            : (new Uri(value.GetProperty("uploadMechanism").GetProperty("com.linkedin.digitalmedia.uploading.MediaUploadHttpRequest").GetProperty("uploadUrl").GetString()!),
                value.GetProperty("asset").GetString()!);
    }

    public static async Task<HttpResponseMessage> UploadAsync(this Harness h, Uri uploadUrl, byte[] bytes, string? token, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await h.Http.SendAsync(request, Harness.Ct);
    }

    public static async Task<HttpResponseMessage> GetImageAsync(this Harness h, string token, string urn, string? version = "202602")
    {
        using var request = Api(HttpMethod.Get, "rest/images/" + Uri.EscapeDataString(urn), token, version);
        return await h.Http.SendAsync(request, Harness.Ct);
    }

    public static async Task<HttpResponseMessage> GetAssetAsync(this Harness h, string token, string assetUrn)
    {
        using var request = Api(HttpMethod.Get, "v2/assets/" + assetUrn["urn:li:digitalmediaAsset:".Length..], token, null);
        return await h.Http.SendAsync(request, Harness.Ct);
    }

    /// <summary>Registers, uploads and waits out processing on the fake clock: an AVAILABLE image (rest) or asset owned by <paramref name="owner"/>.</summary>
    public static async Task<string> AvailableAsync(this Harness h, string token, string owner, bool rest, byte[]? bytes = null)
    {
        using var registered = rest ? await h.InitializeAsync(token, owner) : await h.RegisterAsync(token, owner);
        var (url, urn) = await RegisteredAsync(registered);
        using var uploaded = await h.UploadAsync(url, bytes ?? Png(), token);
        Assert.Equal(System.Net.HttpStatusCode.Created, uploaded.StatusCode);
        h.Time.Advance(h.Control.ImageProcessingDelay);
        return urn;
    }

    public static string MediaPost(string author, string text, params string[] urns) => JsonSerializer.Serialize(new
    {
        author,
        commentary = text,
        visibility = "PUBLIC",
        distribution = new { feedDistribution = "MAIN_FEED", targetEntities = Array.Empty<string>(), thirdPartyDistributionChannels = Array.Empty<string>() },
        content = urns.Length == 1
            ? (object)new { media = new { id = urns[0], altText = "Alt 0" } }
            : new { multiImage = new { images = urns.Select((u, i) => new { id = u, altText = "Alt " + i }) } },
        lifecycleState = "PUBLISHED",
        isReshareDisabledByAuthor = false,
    });

    public static string ImageShare(string author, string text, params string[] urns) => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["author"] = author,
        ["lifecycleState"] = "PUBLISHED",
        ["specificContent"] = new Dictionary<string, object>
        {
            ["com.linkedin.ugc.ShareContent"] = new Dictionary<string, object>
            {
                ["shareCommentary"] = new { text },
                ["shareMediaCategory"] = "IMAGE",
                ["media"] = urns.Select((u, i) => new { status = "READY", media = u, description = new { text = "Description " + i }, title = new { text = "Title " + i } }),
            },
        },
        ["visibility"] = new Dictionary<string, object> { ["com.linkedin.ugc.MemberNetworkVisibility"] = "PUBLIC" },
    });

    /// <summary>A post with images on <c>/rest/posts</c> (<paramref name="rest"/>) or <c>/v2/ugcPosts</c>.</summary>
    public static Task<HttpResponseMessage> PostImagesAsync(this Harness h, string token, bool rest, string author, string text, params string[] urns) =>
        rest ? h.PostJsonAsync(token, MediaPost(author, text, urns)) : h.UgcPostJsonAsync(token, ImageShare(author, text, urns));

    private static HttpRequestMessage Api(HttpMethod method, string path, string token, string? version)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        if (version is not null)
        {
            request.Headers.Add("LinkedIn-Version", version);
        }

        return request;
    }

    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}
