using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace TokenWorkers.Sandbox.Tests.Support;

/// <summary>Image bytes (just the headers LinkedIn's processing reads) and the image calls of both APIs over HTTP.</summary>
internal static class Images
{
    public const string PageApp = "pages-app";
    public const long Page = 88910959;
    public const string PageUrn = "urn:li:organization:88910959";
    public const string WithPages = "openid profile w_member_social w_organization_social";

    /// <summary>A PNG signature and IHDR chunk of the given size.</summary>
    public static byte[] Png(int width = 640, int height = 480)
    {
        var bytes = new byte[33];
        new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13 }.CopyTo(bytes, 0);
        "IHDR"u8.CopyTo(bytes.AsSpan(12));
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        bytes[24] = 8;
        bytes[25] = 6;
        return bytes;
    }

    /// <summary>A GIF89a header with its logical screen size.</summary>
    public static byte[] Gif(ushort width, ushort height)
    {
        var bytes = new byte[13];
        "GIF89a"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), width);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), height);
        return bytes;
    }

    /// <summary>
    /// A valid animated GIF89a of 1×1 frames as an encoder writes it: a global color table, the NETSCAPE2.0 looping
    /// extension, then per frame a graphic control extension, an image descriptor (with a local color table when asked)
    /// and its LZW data, and the trailer.
    /// </summary>
    public static byte[] AnimatedGif(int frames, bool localColorTables = false)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange(new byte[] { 1, 0, 1, 0, 0x80, 0, 0 }); // 1×1, a global table of two colors
        gif.AddRange(new byte[] { 0, 0, 0, 0xFF, 0xFF, 0xFF });
        gif.AddRange(new byte[] { 0x21, 0xFF, 11 });
        gif.AddRange("NETSCAPE2.0"u8.ToArray());
        gif.AddRange(new byte[] { 3, 1, 0, 0, 0 });
        for (var i = 0; i < frames; i++)
        {
            gif.AddRange(new byte[] { 0x21, 0xF9, 4, 0, 10, 0, 0, 0 });
            gif.AddRange(new byte[] { 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, localColorTables ? (byte)0x80 : (byte)0 });
            if (localColorTables)
            {
                gif.AddRange(new byte[] { 0xFF, 0, 0, 0, 0, 0xFF });
            }

            gif.AddRange(new byte[] { 2, 2, 0x44, 0x01, 0 });
        }

        gif.Add(0x3B);
        return [.. gif];
    }

    /// <summary>SOI, an APP0 segment, then a baseline SOF0 with the size.</summary>
    public static byte[] Jpeg(ushort width, ushort height)
    {
        var bytes = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10 };
        bytes.AddRange("JFIF\0"u8.ToArray());
        bytes.AddRange(new byte[9]);
        bytes.AddRange(new byte[] { 0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03 });
        bytes.AddRange(new byte[9]);
        bytes.AddRange(new byte[] { 0xFF, 0xD9 });
        return [.. bytes];
    }

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
