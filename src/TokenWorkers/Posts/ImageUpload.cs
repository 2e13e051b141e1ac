namespace TokenWorkers.Posts;

/// <summary>
/// One image of a post and how far its upload to LinkedIn got. Each step is written before the next starts, so an attempt
/// that stops (a crash, a 5xx, a lost claim) resumes from it: an uploaded image is never sent again, a registered one is sent to
/// the same upload URL while that is valid, and the post is created only once every image is <see cref="ImageStage.Ready"/>.
/// </summary>
/// <param name="Source">Where the bytes come from: the message-data repository or an allowed https host.</param>
/// <param name="Reference">The repository address or the https URL, as the sender gave it.</param>
/// <param name="AltText">The sender's alt text, given to LinkedIn with the image.</param>
public sealed record ImageUpload(ImageSource Source, string Reference, string? AltText)
{
    public ImageStage Stage { get; init; } = ImageStage.Pending;

    /// <summary>LinkedIn's URN for the image (<c>urn:li:image:…</c> or <c>urn:li:digitalmediaAsset:…</c>) once registered.</summary>
    public string? ImageUrn { get; init; }

    /// <summary>Where the bytes go, while <see cref="ImageStage.Registered"/>. A capability: never shown with its query string.</summary>
    public string? UploadUrl { get; init; }

    /// <summary>When LinkedIn stops accepting bytes at <see cref="UploadUrl"/>, when it said so.</summary>
    public DateTimeOffset? UploadUrlExpiresAt { get; init; }

    /// <summary>
    /// Whether the next attempt must register (again): never registered, or registered and its upload URL expires within
    /// <paramref name="margin"/> (an upload started that late could be refused half-way).
    /// </summary>
    public bool NeedsRegistration(DateTimeOffset now, TimeSpan margin) =>
        Stage == ImageStage.Pending || (Stage == ImageStage.Registered && UploadUrlExpiresAt is { } expires && expires - margin <= now);

    /// <summary>The upload URL without its query string (which carries LinkedIn's upload token), for views and logs.</summary>
    public string? UploadUrlShown => UploadUrl is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri)
        ? uri.GetLeftPart(UriPartial.Path)
        : null;

    /// <summary>Whether <paramref name="other"/> names the same image with the same alt text (a resent command).</summary>
    public bool SameImageAs(ImageUpload other) =>
        other is not null && other.Source == Source && string.Equals(other.Reference, Reference, StringComparison.Ordinal) &&
        string.Equals(other.AltText, AltText, StringComparison.Ordinal);
}

/// <summary>Where an image's bytes come from.</summary>
public enum ImageSource
{
    /// <summary>The message-data repository the sender put them in (a claim check).</summary>
    MessageData = 1,

    /// <summary>An https URL on an allowed host.</summary>
    Url = 2,
}

/// <summary>How far an image's upload got.</summary>
public enum ImageStage
{
    /// <summary>Nothing asked of LinkedIn yet.</summary>
    Pending = 1,

    /// <summary>LinkedIn registered the upload: an image URN and an upload URL; the bytes are not known to have arrived.</summary>
    Registered = 2,

    /// <summary>LinkedIn accepted the bytes (2xx); it may still be processing them.</summary>
    Uploaded = 3,

    /// <summary>LinkedIn reported it AVAILABLE (or, for a token that may not read images, the configured wait passed): usable in the post.</summary>
    Ready = 4,
}
