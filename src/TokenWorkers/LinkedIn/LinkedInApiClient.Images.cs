using System.Text.Json.Nodes;
using TokenWorkers.Ports;
using TokenWorkers.Posts;

namespace TokenWorkers.LinkedIn;

/// <summary>The image parts of the post bodies (docs/linkedin-api.md §10.2–10.4).</summary>
public sealed partial class LinkedInApiClient
{
    /// <summary>LinkedIn's most images in one post: multiImage takes 2 to 20 (§10.4).</summary>
    public const int MaxImages = 20;

    /// <summary>
    /// Images and an article are exclusive, and a post takes at most <see cref="MaxImages"/>: the posting side checks both before
    /// anything is uploaded, so reaching here with either is a bug, not a member's mistake.
    /// </summary>
    public static void ImagesCheck(PostContent content, IReadOnlyList<ReadyImage> images)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(images);
        if (images.Count > 0 && content.ArticleUrl is not null)
        {
            throw new ArgumentException("A post carries images or an article, not both.", nameof(images));
        }

        if (images.Count > MaxImages)
        {
            throw new ArgumentException($"A post carries at most {MaxImages} images, not {images.Count}.", nameof(images));
        }
    }

    /// <summary><c>content.media</c> for one image, <c>content.multiImage.images</c> for 2–20; <c>altText</c> only when given.</summary>
    private static JsonObject PostsImageContent(IReadOnlyList<ReadyImage> images)
    {
        JsonObject Entry(ReadyImage image)
        {
            var entry = new JsonObject { ["id"] = image.ImageUrn };
            if (image.AltText is { Length: > 0 } altText)
            {
                entry["altText"] = altText;
            }

            return entry;
        }

        return images.Count == 1
            ? new JsonObject { ["media"] = Entry(images[0]) }
            : new JsonObject { ["multiImage"] = new JsonObject { ["images"] = new JsonArray([.. images.Select(i => (JsonNode)Entry(i))]) } };
    }

    /// <summary>
    /// One READY entry per asset. The ugcPosts media schema documents <c>description</c> and <c>title</c> but no alt text, so the
    /// alt text is not sent on this API (docs/publishing.md).
    /// </summary>
    private static JsonArray UgcImageMedia(IReadOnlyList<ReadyImage> images) =>
        new([.. images.Select(i => (JsonNode)new JsonObject { ["status"] = "READY", ["media"] = i.ImageUrn })]);
}
