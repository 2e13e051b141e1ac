using System.Text.Json;
using TokenWorkers.Admin;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Admin;

/// <summary>The admin post view shows each image's step and URN, never the query strings that are capabilities.</summary>
public sealed class PostImageViewTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Images_show_their_steps_and_urns_without_upload_or_signed_url_queries()
    {
        var entry = new PostEntry
        {
            PostId = "p-1",
            ConnectionId = The.ConnectionId,
            Content = new PostContent("Hello", PostVisibility.Public),
            Images =
            [
                new ImageUpload(ImageSource.MessageData, "urn:file:2026:12:02:a1", "A chart")
                {
                    Stage = ImageStage.Registered, ImageUrn = "urn:li:image:C4E10AQF", UploadUrlExpiresAt = The.Now,
                    UploadUrl = "https://www.linkedin.com/dms-uploads/C4E10AQF/uploaded-image/0?ca=vector_ads&ut=08zHQjMjAOLqc1",
                },
                new ImageUpload(ImageSource.Url, "https://bucket.example.com/b.png?X-Amz-Signature=3f9a0c", null) { Stage = ImageStage.Ready, ImageUrn = "urn:li:image:B" },
            ],
        };

        var json = JsonSerializer.Serialize(PostView.Of(entry), Web);

        var view = PostView.Of(entry).Images!;
        Assert.Equal((ImageStage.Registered, "urn:li:image:C4E10AQF", "https://www.linkedin.com/dms-uploads/C4E10AQF/uploaded-image/0"),
            (view[0].Stage, view[0].ImageUrn, view[0].UploadUrl));
        Assert.Equal((ImageStage.Ready, "https://bucket.example.com/b.png"), (view[1].Stage, view[1].Reference));
        Assert.DoesNotContain("08zHQjMjAOLqc1", json, StringComparison.Ordinal);
        Assert.DoesNotContain("3f9a0c", json, StringComparison.Ordinal);
        Assert.Null(PostView.Of(entry with { Images = [] }).Images);
    }
}
