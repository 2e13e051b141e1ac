using System.Text.Json;
using System.Text.RegularExpressions;
using TokenWorkers.Sandbox.Control;
using static TokenWorkers.Sandbox.Api.PostRules;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// Reading the images a post names: <c>/rest/posts</c> <c>content.media {id, altText}</c> (one image) or
/// <c>content.multiImage.images[]</c> (2–20), and <c>/v2/ugcPosts</c> IMAGE <c>media[] {status: READY, media, description, title}</c>
/// (docs/linkedin-api.md §10.2–10.4). Whether each image may be used is <see cref="ImageRules"/>' to say.
/// </summary>
internal static partial class PostImageRefs
{
    /// <summary>MultiImage posts carry 2 to 20 images (§10.4); LinkedIn's refusal of other counts is not captured.</summary>
    public const int MinMultiImage = 2;
    public const int MaxImages = 20;

    /// <summary>"Maximum length is 4,086 characters" (§10.4).</summary>
    public const int MaxAltText = 4086;

    public static SandboxPostImage? Image(JsonElement media, string path, CallRecord call, ref IResult? error)
    {
        var id = RequiredString(media, "id", path + "/id", call, ref error);
        if (error is null && !ImageUrn().IsMatch(id!))
        {
            error = ApiErrors.Unprocessable(call, path + "/id", $"\"{id}\" does not match urn:li:image:[A-Za-z0-9_-]+");
        }

        var altText = OptionalString(media, "altText", path + "/altText", call, ref error);
        if (error is null && altText is not null && CodePoints(altText) > MaxAltText)
        {
            error = ApiErrors.Unprocessable(call, path + "/altText", $"length {CodePoints(altText)} exceeds the maximum allowed length of {MaxAltText} characters");
        }

        return error is null ? new SandboxPostImage(id!, altText) : null;
    }

    public static (IReadOnlyList<SandboxPostImage>? Images, IResult? Error) MultiImage(JsonElement multiImage, CallRecord call)
    {
        const string Path = "/content/multiImage/images";
        var images = Child(multiImage, "images");
        if (images.ValueKind != JsonValueKind.Array)
        {
            return (null, ApiErrors.Unprocessable(call, Path, "field is required but not found and has no default value"));
        }

        var count = images.GetArrayLength();
        if (count is < MinMultiImage or > MaxImages)
        {
            return (null, ApiErrors.Unprocessable(call, Path, $"a multiImage post needs {MinMultiImage} to {MaxImages} images, not {count} (one image goes in content.media)"));
        }

        IResult? error = null;
        var read = new List<SandboxPostImage>(count);
        var index = 0;
        foreach (var image in images.EnumerateArray())
        {
            if (Image(image, $"{Path}/{index++}", call, ref error) is { } one)
            {
                read.Add(one);
            }
        }

        return error is null ? (read, null) : (null, error);
    }

    /// <summary>ugcPosts' <c>media</c> of an IMAGE share: each entry READY with an asset URN; description and title are optional.</summary>
    public static (IReadOnlyList<SandboxPostImage>? Images, IResult? Error) UgcMedia(JsonElement media, string path, CallRecord call)
    {
        if (media.ValueKind != JsonValueKind.Array || media.GetArrayLength() == 0)
        {
            return (null, ApiErrors.Unprocessable(call, path, "an IMAGE share needs at least one media entry"));
        }

        if (media.GetArrayLength() > MaxImages)
        {
            // No maximum is documented for ugcPosts (Open question 25): the sandbox holds it to the Posts API's 20.
            return (null, ApiErrors.Unprocessable(call, path, $"the sandbox takes at most {MaxImages} images in one share"));
        }

        IResult? error = null;
        var read = new List<SandboxPostImage>();
        var index = 0;
        foreach (var entry in media.EnumerateArray())
        {
            var at = $"{path}/{index++}";
            RequiredSymbol(entry, "status", at + "/status", ["READY"], call, ref error);
            var urn = RequiredString(entry, "media", at + "/media", call, ref error);
            if (error is null && !AssetUrn().IsMatch(urn!))
            {
                error = ApiErrors.Unprocessable(call, at + "/media", $"\"{urn}\" does not match urn:li:digitalmediaAsset:[A-Za-z0-9_-]+");
            }

            var description = OptionalString(Child(entry, "description"), "text", at + "/description/text", call, ref error);
            var title = OptionalString(Child(entry, "title"), "text", at + "/title/text", call, ref error);
            if (error is not null)
            {
                return (null, error);
            }

            read.Add(new SandboxPostImage(urn!, description, title));
        }

        return (read, null);
    }

    private static string? OptionalString(JsonElement parent, string name, string path, CallRecord call, ref IResult? error)
    {
        if (error is not null || parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            error = ApiErrors.Unprocessable(call, path, $"{value.GetRawText()} is not a string");
            return null;
        }

        return value.GetString();
    }

    [GeneratedRegex("^urn:li:image:[A-Za-z0-9_-]+$")]
    private static partial Regex ImageUrn();

    [GeneratedRegex("^urn:li:digitalmediaAsset:[A-Za-z0-9_-]+$")]
    private static partial Regex AssetUrn();
}
