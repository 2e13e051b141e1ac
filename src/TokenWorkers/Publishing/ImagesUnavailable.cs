using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;

namespace TokenWorkers.Publishing;

/// <summary>
/// Stands in for LinkedIn's image client where none is registered: every call is refused with a clear reason, so a post with
/// images fails (PostFailed, Invalid) instead of the worker failing to start. Registered only if nothing else serves
/// <see cref="ILinkedInImages"/>.
/// </summary>
public sealed class ImagesUnavailable : ILinkedInImages
{
    private static readonly ApiRejected Refusal = new(FailureClass.Invalid, 501, "IMAGES_UNAVAILABLE",
        "This worker has no LinkedIn image client: posts with images cannot be published by it.");

    public Task<ApiResult> RegisterUploadAsync(SecretToken accessToken, string ownerUrn, CancellationToken cancellationToken) =>
        Task.FromResult<ApiResult>(Refusal);

    public Task<ApiResult> UploadAsync(SecretToken accessToken, ImageUploadRegistered upload, ReadOnlyMemory<byte> bytes, string contentType,
        CancellationToken cancellationToken) => Task.FromResult<ApiResult>(Refusal);

    public Task<ApiResult> GetImageStatusAsync(SecretToken accessToken, string imageUrn, CancellationToken cancellationToken) =>
        Task.FromResult<ApiResult>(Refusal);
}
