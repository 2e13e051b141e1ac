namespace TokenWorkers.Contracts;

/// <summary>
/// One image of a <see cref="PublishPost"/>, by reference: the bytes never travel in the message. Set exactly one of
/// <see cref="Data"/> (a claim check in the worker's message-data repository) or <see cref="Url"/> (an https address on a host
/// the worker allows). The worker checks the image (JPG, GIF or PNG by its first bytes; fewer than 36,152,320 pixels; at most
/// <c>Publishing:Images:MaxBytes</c>) before anything is uploaded; a refused image fails the post with <see cref="PostFailed"/>
/// (<see cref="FailureClass.Invalid"/>) naming the image's index. See docs/images.md.
/// </summary>
public sealed record PostImage
{
    /// <summary>
    /// The address of the bytes in the message-data repository the worker shares with the sender (MassTransit's claim check):
    /// the <c>Address</c> of the <c>MessageData&lt;byte[]&gt;</c> that <c>repository.PutBytes(bytes, timeToLive)</c> returns,
    /// e.g. <c>urn:file:2026:12:02:…</c>. It must stay readable until the post is published or failed.
    /// </summary>
    public Uri? Data { get; init; }

    /// <summary>
    /// An absolute https URL the worker fetches the image from, without following redirects. Only hosts listed in the worker's
    /// <c>Publishing:Images:AllowedHosts</c> are ever fetched; any other host fails the post before a request is made.
    /// </summary>
    public Uri? Url { get; init; }

    /// <summary>Text describing the image for screen readers, at most 4,086 characters (LinkedIn recommends under 120); optional.</summary>
    public string? AltText { get; init; }
}
