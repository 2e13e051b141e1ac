using TokenWorkers.Connections;

namespace TokenWorkers.Ports;

/// <summary>
/// LinkedIn's image upload as the post's author, on the API that <c>LinkedIn:Posting:Api</c> selects: the Images API
/// (<c>POST /rest/images?action=initializeUpload</c>, PUT the bytes, <c>GET /rest/images/{urn}</c>) beside <c>/rest/posts</c>, or
/// the Assets API (<c>POST /v2/assets?action=registerUpload</c>, upload, <c>GET /v2/assets/{id}</c>) beside <c>/v2/ugcPosts</c>.
/// Answers are <see cref="ApiResult"/> values; a fault before a request was sent throws <see cref="LinkedInTransportException"/>.
/// </summary>
public interface ILinkedInImages
{
    /// <summary>
    /// Registers one image upload owned by <paramref name="ownerUrn"/> (the post's author: every image must be owned by it):
    /// <see cref="ImageUploadRegistered"/> or a refusal. Nothing exists at LinkedIn until the bytes arrive, so a call that got
    /// no answer throws <see cref="LinkedInTransportException"/> (register again).
    /// </summary>
    Task<ApiResult> RegisterUploadAsync(SecretToken accessToken, string ownerUrn, CancellationToken cancellationToken);

    /// <summary>
    /// Sends the whole image in one request to the upload URL LinkedIn gave (only to a LinkedIn host: the token goes with it):
    /// <see cref="ImageUploaded"/> or a refusal. Uploading to the same URL again replaces the bytes, so a call that got no answer
    /// throws <see cref="LinkedInTransportException"/> (upload again).
    /// </summary>
    Task<ApiResult> UploadAsync(SecretToken accessToken, ImageUploadRegistered upload, ReadOnlyMemory<byte> bytes, string contentType,
        CancellationToken cancellationToken);

    /// <summary>
    /// Where LinkedIn's processing of <paramref name="imageUrn"/> stands: <see cref="ImageStatusRead"/> (including
    /// <see cref="ImageProcessing.Unreadable"/> when the token may not read images, as member tokens may not on <c>/rest/images</c>)
    /// or a refusal. Reading changes nothing, so a call that got no answer throws <see cref="LinkedInTransportException"/>.
    /// </summary>
    Task<ApiResult> GetImageStatusAsync(SecretToken accessToken, string imageUrn, CancellationToken cancellationToken);
}

/// <summary>An upload LinkedIn registered: the image's URN (<c>urn:li:image:…</c> or <c>urn:li:digitalmediaAsset:…</c>) and where its bytes go.</summary>
/// <param name="UploadUrlExpiresAt">When LinkedIn stops accepting bytes at <paramref name="UploadUrl"/>, when it says so.</param>
public sealed record ImageUploadRegistered(string ImageUrn, Uri UploadUrl, DateTimeOffset? UploadUrlExpiresAt) : ApiResult;

/// <summary>2xx to the upload: LinkedIn has the bytes of <paramref name="ImageUrn"/> and processes them.</summary>
public sealed record ImageUploaded(string ImageUrn) : ApiResult;

/// <summary>The processing state of <paramref name="ImageUrn"/>; <paramref name="FailureReason"/> as LinkedIn gives it when processing failed.</summary>
public sealed record ImageStatusRead(string ImageUrn, ImageProcessing State, string? FailureReason = null) : ApiResult;

/// <summary>LinkedIn's processing states of an uploaded image.</summary>
public enum ImageProcessing
{
    /// <summary>Registered, no bytes yet (<c>WAITING_UPLOAD</c>).</summary>
    WaitingUpload = 1,

    /// <summary>Bytes received, not usable yet (<c>PROCESSING</c>).</summary>
    Processing = 2,

    /// <summary>Usable in a post (<c>AVAILABLE</c>).</summary>
    Available = 3,

    /// <summary>LinkedIn could not process the bytes (<c>PROCESSING_FAILED</c>); the image can never be posted.</summary>
    ProcessingFailed = 4,

    /// <summary>The token may not read the image (403 to a member token on <c>/rest/images</c>): wait instead of polling.</summary>
    Unreadable = 5,
}

/// <summary>An image LinkedIn has processed, to attach to a post: its URN and the alt text the sender gave.</summary>
public sealed record ReadyImage(string ImageUrn, string? AltText);
