using System.Collections.Concurrent;
using System.Security.Cryptography;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// Registered image uploads of both APIs and their bytes. An upload moves the image to <c>PROCESSING</c>; on the sandbox clock,
/// <see cref="RuntimeKnobs.ImageProcessingDelay"/> later, it is <c>AVAILABLE</c> or <c>PROCESSING_FAILED</c> (decided when the
/// bytes arrive, by <see cref="ImageFormat"/> or by a failure queued through the control surface).
/// </summary>
internal sealed class ImageStore(SandboxClock clock, RuntimeKnobs knobs)
{
    private const string IdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private readonly ConcurrentQueue<string> _order = new();
    private readonly ConcurrentDictionary<string, SandboxImage> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _bytes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _failNext = new();

    public SandboxImage Register(SandboxImageApi api, string owner, Grant grant)
    {
        var now = clock.UtcNow;
        // The prefixes of LinkedIn's sample ids (C4E10AQ… for images, C5522AQ… for assets), then 12 random characters.
        var id = (api == SandboxImageApi.Images ? "C4E10AQ" : "C5522AQ") + RandomNumberGenerator.GetString(IdAlphabet, 12);
        var urn = (api == SandboxImageApi.Images ? "urn:li:image:" : "urn:li:digitalmediaAsset:") + id;
        var image = new SandboxImage(id, urn, api, owner, grant.ClientId, grant.Id, now, now + knobs.Settings.ImageUploadUrlLifetime)
        {
            UploadKey = RandomNumberGenerator.GetString(IdAlphabet, 24),
        };
        _byId[id] = image;
        _order.Enqueue(id);
        return image;
    }

    public SandboxImage? Find(string id) => _byId.TryGetValue(id, out var image) ? image.At(clock.UtcNow) : null;

    /// <summary>The image behind <c>urn:li:image:{id}</c> or <c>urn:li:digitalmediaAsset:{id}</c>, as it stands now.</summary>
    public SandboxImage? FindByUrn(string urn)
    {
        var colon = urn.LastIndexOf(':');
        return colon > 0 && Find(urn[(colon + 1)..]) is { } image && image.Urn == urn ? image : null;
    }

    /// <summary>Takes the bytes for <paramref name="id"/> when <paramref name="key"/> is its upload URL's; a second upload replaces the first.</summary>
    public ImageUploadOutcome Upload(string id, SandboxImageApi api, string? key, byte[] bytes)
    {
        var now = clock.UtcNow;
        while (true)
        {
            if (!_byId.TryGetValue(id, out var image) || image.Api != api
                || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(key ?? ""), System.Text.Encoding.ASCII.GetBytes(image.UploadKey)))
            {
                return ImageUploadOutcome.Unknown;
            }

            if (now >= image.UploadUrlExpiresAt)
            {
                return ImageUploadOutcome.Expired;
            }

            var inspection = ImageFormat.Inspect(bytes);
            var failure = inspection.Failure;
            if (failure is null && _failNext.TryDequeue(out var injected))
            {
                failure = injected;
            }

            var uploaded = image with
            {
                Status = SandboxImageStatus.Processing,
                UploadedAt = now,
                ProcessedAt = now + knobs.ImageProcessingDelay,
                Outcome = failure is null ? SandboxImageStatus.Available : SandboxImageStatus.ProcessingFailed,
                FailureReason = failure,
                MediaType = inspection.MediaType,
                Width = inspection.Width,
                Height = inspection.Height,
                ByteCount = bytes.LongLength,
            };
            if (_byId.TryUpdate(id, uploaded, image))
            {
                _bytes[id] = bytes;
                return ImageUploadOutcome.Accepted;
            }
        }
    }

    /// <summary>The bytes of an <c>AVAILABLE</c> image, for its download URL.</summary>
    public (SandboxImage Image, byte[] Bytes)? Download(string id) =>
        Find(id) is { Status: SandboxImageStatus.Available } image && _bytes.TryGetValue(id, out var bytes) ? (image, bytes) : null;

    /// <summary>The next <paramref name="count"/> uploads whose bytes are fine fail processing with <paramref name="reason"/>.</summary>
    public void FailNext(int count, string reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        for (var i = 0; i < count; i++)
        {
            _failNext.Enqueue(reason);
        }
    }

    public IReadOnlyList<SandboxImage> All
    {
        get
        {
            var now = clock.UtcNow;
            return [.. _order.Select(id => _byId[id].At(now))];
        }
    }
}

internal enum ImageUploadOutcome
{
    Accepted,
    Unknown,
    Expired,
}
