using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Posts;

/// <summary>An image's upload steps as pure transitions of the post entry: only the claim's holder moves them, and only forward.</summary>
public sealed class PostImageTransitionsTests
{
    private const string Holder = "worker-a/7";
    private static readonly Uri UploadUrl = new("https://www.linkedin.com/dms-uploads/C4E10AQF/uploaded-image/0?ca=vector_ads&ut=secret-token");

    private static PostEntry Claimed(params ImageUpload[] images)
    {
        var received = PostTransitions.Record("post-1", The.ConnectionId, new PostContent("Hello", PostVisibility.Public), The.Now,
            TimeSpan.FromMinutes(10), invalid: null, images: images).Next with
        { Version = 1 };
        return PostTransitions.Claim(received, The.Now, Holder, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), null, TimeSpan.FromHours(1))!.Next
            with
        { Version = 2 };
    }

    private static ImageUpload Image(string reference = "urn:file:2026:12:02:a1") => new(ImageSource.MessageData, reference, "A chart");

    [Fact]
    public void A_recorded_post_keeps_its_images_pending_in_the_senders_order()
    {
        var entry = Claimed(Image("urn:file:a"), new ImageUpload(ImageSource.Url, "https://cdn.example.com/b.png", null));

        Assert.Equal(["urn:file:a", "https://cdn.example.com/b.png"], entry.Images.Select(i => i.Reference));
        Assert.All(entry.Images, i => Assert.Equal(ImageStage.Pending, i.Stage));
    }

    [Fact]
    public void Register_upload_and_ready_move_one_image_forward_and_forget_the_upload_url_once_uploaded()
    {
        var entry = Claimed(Image(), Image("urn:file:b"));
        var expires = The.Now.AddMinutes(30);

        var registered = PostTransitions.RegisterImage(entry, The.Now, Holder, 1, "urn:li:image:B", UploadUrl, expires)!.Next;
        var uploaded = PostTransitions.UploadedImage(registered, The.Now, Holder, 1)!.Next;
        var ready = PostTransitions.ReadyImage(uploaded, The.Now, Holder, 1)!.Next;

        Assert.Equal(ImageStage.Pending, registered.Images[0].Stage);
        Assert.Equal((ImageStage.Registered, "urn:li:image:B", UploadUrl.AbsoluteUri, expires),
            (registered.Images[1].Stage, registered.Images[1].ImageUrn, registered.Images[1].UploadUrl, registered.Images[1].UploadUrlExpiresAt));
        Assert.Equal((ImageStage.Uploaded, null, null), (uploaded.Images[1].Stage, uploaded.Images[1].UploadUrl, uploaded.Images[1].UploadUrlExpiresAt));
        Assert.Equal((ImageStage.Ready, "urn:li:image:B"), (ready.Images[1].Stage, ready.Images[1].ImageUrn));
    }

    [Fact]
    public void Steps_are_refused_to_another_holder_out_of_order_and_for_an_unknown_index()
    {
        var entry = Claimed(Image());
        var uploaded = PostTransitions.UploadedImage(
            PostTransitions.RegisterImage(entry, The.Now, Holder, 0, "urn:li:image:A", UploadUrl, null)!.Next, The.Now, Holder, 0)!.Next;

        Assert.Null(PostTransitions.RegisterImage(entry, The.Now, "worker-b/1", 0, "urn:li:image:A", UploadUrl, null));
        Assert.Null(PostTransitions.UploadedImage(entry, The.Now, Holder, 0));
        Assert.Null(PostTransitions.ReadyImage(entry, The.Now, Holder, 0));
        Assert.Null(PostTransitions.RegisterImage(entry, The.Now, Holder, 1, "urn:li:image:A", UploadUrl, null));
        // Bytes LinkedIn accepted are never registered again: that would upload them twice.
        Assert.Null(PostTransitions.RegisterImage(uploaded, The.Now, Holder, 0, "urn:li:image:A2", UploadUrl, null));
    }

    [Fact]
    public void A_released_post_keeps_its_images_progress()
    {
        var entry = Claimed(Image());
        var registered = PostTransitions.RegisterImage(entry, The.Now, Holder, 0, "urn:li:image:A", UploadUrl, null)!.Next;

        var released = PostTransitions.Release(registered, The.Now, Holder, uncertain: false, null, The.Now.AddMinutes(10))!.Next;

        Assert.Equal(ImageStage.Registered, released.Images[0].Stage);
        Assert.Equal("urn:li:image:A", released.Images[0].ImageUrn);
    }

    [Fact]
    public void Only_a_pending_image_or_one_whose_upload_url_expires_within_the_margin_needs_registering()
    {
        var margin = TimeSpan.FromMinutes(1);
        var registered = Image() with { Stage = ImageStage.Registered, UploadUrlExpiresAt = The.Now.AddMinutes(5) };

        Assert.True(Image().NeedsRegistration(The.Now, margin));
        Assert.False(registered.NeedsRegistration(The.Now, margin));
        Assert.True(registered.NeedsRegistration(The.Now.AddMinutes(4).AddSeconds(1), margin));
        Assert.False((registered with { UploadUrlExpiresAt = null }).NeedsRegistration(The.Now.AddYears(1), margin));
        Assert.False((registered with { Stage = ImageStage.Uploaded }).NeedsRegistration(The.Now.AddYears(1), margin));
    }

    [Fact]
    public void The_upload_url_is_shown_without_its_query()
    {
        var registered = Image() with { Stage = ImageStage.Registered, UploadUrl = UploadUrl.AbsoluteUri };

        Assert.Equal("https://www.linkedin.com/dms-uploads/C4E10AQF/uploaded-image/0", registered.UploadUrlShown);
    }
}
