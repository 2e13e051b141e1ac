using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// LinkedIn's image upload (docs/linkedin-api.md §10) on the API <see cref="LinkedInPostingOptions.Api"/> selects: with
/// <c>Posts</c> the Images API (<c>POST /rest/images?action=initializeUpload</c> with the pinned <c>LinkedIn-Version</c>), otherwise
/// the Assets API (<c>POST /v2/assets?action=registerUpload</c>); one PUT of the bytes to the upload URL LinkedIn gave; the status
/// read from <c>GET /rest/images/{urn}</c> or <c>GET /v2/assets/{id}</c>, by the URN's kind. Errors are read by
/// <see cref="LinkedInErrorReader"/>.
/// </summary>
/// <remarks>
/// The bearer token goes with the upload (LinkedIn's samples send it), so the upload URL is checked first against
/// <see cref="UploadUrlPolicy"/>: a URL elsewhere is refused as <see cref="FailureClass.Invalid"/> without any request.
/// </remarks>
public sealed class LinkedInImagesClient(HttpClient http, IOptions<LinkedInOptions> linkedIn, IOptions<LinkedInPostingOptions> posting, TimeProvider time)
    : ILinkedInImages
{
    public const string ImagesPath = "rest/images";
    public const string AssetsPath = "v2/assets";
    private const string UploadMechanism = "com.linkedin.digitalmedia.uploading.MediaUploadHttpRequest";

    private readonly LinkedInOptions _linkedIn = linkedIn.Value;
    private readonly LinkedInPostingOptions _posting = posting.Value;
    private readonly LinkedInSend _send = new(http, linkedIn.Value.RequestTimeout);
    private readonly UploadUrlPolicy _uploads = new(linkedIn.Value.ApiBaseUrl, linkedIn.Value.ImageUploadHosts);

    public async Task<ApiResult> RegisterUploadAsync(SecretToken accessToken, string ownerUrn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ownerUrn);
        var rest = _posting.Api == PostingApi.Posts;
        JsonObject body = rest
            ? new JsonObject { ["initializeUploadRequest"] = new JsonObject { ["owner"] = ownerUrn } }
            : new JsonObject
            {
                ["registerUploadRequest"] = new JsonObject
                {
                    ["recipes"] = new JsonArray("urn:li:digitalmediaRecipe:feedshare-image"),
                    ["owner"] = ownerUrn,
                    ["serviceRelationships"] = new JsonArray(new JsonObject
                    {
                        ["relationshipType"] = "OWNER",
                        ["identifier"] = "urn:li:userGeneratedContent",
                    }),
                },
            };
        var path = rest ? ImagesPath + "?action=initializeUpload" : AssetsPath + "?action=registerUpload";
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_linkedIn.ApiBaseUrl, path))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        // Nothing exists at LinkedIn until bytes arrive, so an unanswered registration is simply made again.
        var (status, _, text) = await SendApiAsync(request, accessToken, rest, "upload registration", cancellationToken);
        if (status != HttpStatusCode.OK)
        {
            return LinkedInErrorReader.ApiFailure(status, text, time.GetUtcNow());
        }

        return (ApiResult?)ReadRegistration(text, rest)
               ?? new ApiRejected(FailureClass.Transient, (int)status, null, "LinkedIn answered the upload registration without an upload URL and an image URN");
    }

    public async Task<ApiResult> UploadAsync(
        SecretToken accessToken, ImageUploadRegistered upload, ReadOnlyMemory<byte> bytes, string contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        if (_uploads.Refusal(upload.UploadUrl) is { } refusal)
        {
            return new ApiRejected(FailureClass.Invalid, 0, null, refusal);
        }

        using var request = new HttpRequestMessage(HttpMethod.Put, upload.UploadUrl) { Content = new ReadOnlyMemoryContent(bytes) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken.Reveal());
        // The whole image in one request: several PUTs to the same URL would leave LinkedIn with the last one only (§10.3).
        // The same bytes again replace them, so an unanswered upload is simply made again.
        var (status, _, text) = await SendAsync(request, "upload", cancellationToken);
        return (int)status is >= 200 and < 300
            ? new ImageUploaded(upload.ImageUrn)
            : LinkedInErrorReader.ApiFailure(status, text, time.GetUtcNow());
    }

    public async Task<ApiResult> GetImageStatusAsync(SecretToken accessToken, string imageUrn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(imageUrn);
        const string AssetPrefix = "urn:li:digitalmediaAsset:";
        var rest = imageUrn.StartsWith("urn:li:image:", StringComparison.Ordinal);
        if (!rest && !imageUrn.StartsWith(AssetPrefix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"\"{imageUrn}\" is neither an image (urn:li:image:…) nor an asset (urn:li:digitalmediaAsset:…) URN.", nameof(imageUrn));
        }

        var path = rest ? ImagesPath + "/" + Uri.EscapeDataString(imageUrn) : AssetsPath + "/" + Uri.EscapeDataString(imageUrn[AssetPrefix.Length..]);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_linkedIn.ApiBaseUrl, path));
        var (status, _, text) = await SendApiAsync(request, accessToken, rest, "image status", cancellationToken);
        if (rest && status == HttpStatusCode.Forbidden)
        {
            // Member tokens may not read /rest/images (§10.3): not a failure, a cue to wait instead of polling.
            return new ImageStatusRead(imageUrn, ImageProcessing.Unreadable);
        }

        if (status != HttpStatusCode.OK)
        {
            return LinkedInErrorReader.ApiFailure(status, text, time.GetUtcNow());
        }

        var (state, reason) = ReadStatus(text, rest);
        return state is { } known
            ? new ImageStatusRead(imageUrn, known, known == ImageProcessing.ProcessingFailed ? Bounded(reason) : null)
            : new ApiRejected(FailureClass.Transient, (int)status, null, "LinkedIn answered the image status without a known status");
    }

    private static ImageUploadRegistered? ReadRegistration(string text, bool rest)
    {
        try
        {
            var value = JsonNode.Parse(text)?["value"];
            var url = rest ? value?["uploadUrl"] : value?["uploadMechanism"]?[UploadMechanism]?["uploadUrl"];
            var urn = rest ? value?["image"] : value?["asset"];
            var expires = rest && value?["uploadUrlExpiresAt"] is JsonValue ms && ms.TryGetValue<long>(out var epoch)
                ? DateTimeOffset.FromUnixTimeMilliseconds(epoch)
                : (DateTimeOffset?)null;
            return url is JsonValue u && u.TryGetValue<string>(out var address) && Uri.TryCreate(address, UriKind.Absolute, out var uploadUrl)
                   && urn is JsonValue i && i.TryGetValue<string>(out var imageUrn) && imageUrn.Length > 0
                ? new ImageUploadRegistered(imageUrn, uploadUrl, expires)
                : null;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static (ImageProcessing? State, string? Reason) ReadStatus(string text, bool rest)
    {
        try
        {
            var root = JsonNode.Parse(text);
            var status = rest ? root?["status"] : root?["recipes"]?[0]?["status"];
            var reason = root?["processingFailureReason"] is JsonValue r && r.TryGetValue<string>(out var why) ? why : null;
            var state = (status as JsonValue)?.TryGetValue<string>(out var name) == true ? name : null;
            return (state switch
            {
                "WAITING_UPLOAD" => ImageProcessing.WaitingUpload,
                "PROCESSING" => ImageProcessing.Processing,
                "AVAILABLE" => ImageProcessing.Available,
                "PROCESSING_FAILED" => ImageProcessing.ProcessingFailed,
                _ => null,
            }, reason);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentOutOfRangeException)
        {
            return (null, null);
        }
    }

    private static string? Bounded(string? text) => text is { Length: > 300 } ? text[..300] : text;

    /// <summary>An API call: the Rest.li header, and the pinned version on <c>/rest</c>.</summary>
    private Task<LinkedInAnswered> SendApiAsync(HttpRequestMessage request, SecretToken accessToken, bool rest, string what, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken.Reveal());
        request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        request.Headers.Accept.ParseAdd("application/json");
        if (rest)
        {
            request.Headers.Add("LinkedIn-Version", _posting.LinkedInVersion);
        }

        return SendAsync(request, what, cancellationToken);
    }

    /// <summary>
    /// LinkedIn's answer. None of the three calls leaves a half state a repeat could double (a registration without bytes is
    /// nothing, a second upload replaces the first, a read changes nothing), so no answer at all throws for a retry.
    /// </summary>
    private async Task<LinkedInAnswered> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken) =>
        await _send.SendAsync(request, cancellationToken) switch
        {
            LinkedInAnswered answer => answer,
            LinkedInNotSent notSent => throw new LinkedInTransportException(
                $"LinkedIn's image {what} could not be reached: {notSent.Cause.HttpRequestError}", notSent.Cause),
            LinkedInUnanswered { Cause: null } => throw new LinkedInTransportException(
                string.Create(CultureInfo.InvariantCulture, $"LinkedIn's image {what} did not answer within {_linkedIn.RequestTimeout.TotalSeconds:0.#} s")),
            LinkedInUnanswered { Cause: { } cause } => throw new LinkedInTransportException(
                $"LinkedIn's image {what} did not answer: {cause.HttpRequestError}", cause),
            _ => throw new UnreachableException(),
        };
}
