using TokenWorkers.Events;

namespace TokenWorkers.Posts;

/// <summary>The steps of a post's image uploads, each recorded by the holder of the post's claim before the next is taken.</summary>
public static partial class PostTransitions
{
    /// <summary>
    /// LinkedIn registered image <paramref name="index"/>'s upload as <paramref name="imageUrn"/>, bytes to go to
    /// <paramref name="uploadUrl"/> until <paramref name="expiresAt"/>. Also replaces an earlier registration whose URL expired.
    /// Null unless <paramref name="holder"/> holds the claim and the image's bytes have not been accepted yet.
    /// </summary>
    public static Change<PostEntry>? RegisterImage(
        PostEntry e, DateTimeOffset now, string holder, int index, string imageUrn, Uri uploadUrl, DateTimeOffset? expiresAt)
    {
        ArgumentNullException.ThrowIfNull(uploadUrl);
        return StepImage(e, now, holder, index, image => image.Stage is ImageStage.Pending or ImageStage.Registered
            ? image with { Stage = ImageStage.Registered, ImageUrn = imageUrn, UploadUrl = uploadUrl.AbsoluteUri, UploadUrlExpiresAt = expiresAt }
            : null);
    }

    /// <summary>LinkedIn accepted image <paramref name="index"/>'s bytes: its upload URL is no longer needed and is forgotten.</summary>
    public static Change<PostEntry>? UploadedImage(PostEntry e, DateTimeOffset now, string holder, int index) =>
        StepImage(e, now, holder, index, image => image.Stage == ImageStage.Registered
            ? image with { Stage = ImageStage.Uploaded, UploadUrl = null, UploadUrlExpiresAt = null }
            : null);

    /// <summary>Image <paramref name="index"/> is usable in the post.</summary>
    public static Change<PostEntry>? ReadyImage(PostEntry e, DateTimeOffset now, string holder, int index) =>
        StepImage(e, now, holder, index, image => image.Stage == ImageStage.Uploaded ? image with { Stage = ImageStage.Ready } : null);

    private static Change<PostEntry>? StepImage(PostEntry e, DateTimeOffset now, string holder, int index, Func<ImageUpload, ImageUpload?> step)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.State != PostState.Publishing || e.Claim?.Holder != holder || index < 0 || index >= e.Images.Count || step(e.Images[index]) is not { } next)
        {
            return null;
        }

        var images = e.Images.ToArray();
        images[index] = next;
        return new(e with { Images = images, UpdatedAt = now });
    }
}
