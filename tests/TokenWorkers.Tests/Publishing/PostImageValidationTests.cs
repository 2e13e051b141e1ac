using TokenWorkers.Contracts;
using TokenWorkers.Publishing;

namespace TokenWorkers.Tests.Publishing;

/// <summary>What a PublishPost's images must satisfy on arrival, before anything is loaded or sent.</summary>
public sealed class PostImageValidationTests
{
    private static readonly ImageOptions Allowing = new() { AllowedHosts = ["cdn.example.com"] };

    private static string? Check(params PostImage[] images) =>
        PostValidation.Check(new PublishPost { PostId = "p", ConnectionId = "c", Text = "Hello", Images = images }, Allowing);

    private static PostImage Stored => new() { Data = new Uri("urn:file:2026:12:02:a1") };

    [Fact]
    public void One_to_twenty_images_by_reference_pass()
    {
        Assert.Null(Check(Stored));
        Assert.Null(Check([.. Enumerable.Repeat(new PostImage { Url = new Uri("https://cdn.example.com/a.png"), AltText = new string('a', 4086) }, 20)]));
        Assert.Null(PostValidation.Check(new PublishPost { PostId = "p", ConnectionId = "c", Text = "Hello", Images = [] }, Allowing));
    }

    [Fact]
    public void More_than_twenty_images_or_images_with_an_article_are_refused()
    {
        Assert.Equal("Images has 21 images; LinkedIn takes at most 20 in one post.", Check([.. Enumerable.Repeat(Stored, 21)]));
        Assert.StartsWith("ArticleUrl and Images cannot go together", PostValidation.Check(
            new PublishPost { PostId = "p", ConnectionId = "c", Text = "Hello", ArticleUrl = new Uri("https://example.com"), Images = [Stored] }, Allowing),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Each_refused_image_is_named_by_its_index()
    {
        Assert.Equal("Images[1] must name exactly one of Data (a message-data address) or Url.", Check(Stored, new PostImage()));
        Assert.StartsWith("Images[0] must name exactly one", Check(new PostImage { Data = Stored.Data, Url = new Uri("https://cdn.example.com/a.png") }),
            StringComparison.Ordinal);
        Assert.Equal("Images[0] AltText is 4087 characters; LinkedIn allows at most 4086.", Check(Stored with { AltText = new string('a', 4087) }));
        Assert.Equal("Images[0] is on host \"localhost\", which is not in Publishing:Images:AllowedHosts.", Check(new PostImage { Url = new Uri("https://localhost/a.png") }));
        Assert.Equal("Images[0] is not an absolute https URL.", Check(new PostImage { Url = new Uri("http://cdn.example.com/a.png") }));
        Assert.StartsWith("Images[0] is not an address of the worker's message-data repository", Check(new PostImage { Data = new Uri("urn:file:..:..:etc:passwd") }),
            StringComparison.Ordinal);
    }

    [Fact]
    public void With_no_allowed_hosts_every_url_is_refused()
    {
        var refused = PostValidation.Check(
            new PublishPost { PostId = "p", ConnectionId = "c", Text = "Hello", Images = [new PostImage { Url = new Uri("https://cdn.example.com/a.png") }] });

        Assert.Equal("Images[0] is on host \"cdn.example.com\", which is not in Publishing:Images:AllowedHosts.", refused);
    }
}
