using System.Text.Json.Serialization;
using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Hosting;
using TokenWorkers.Sandbox.State;
using static TokenWorkers.Sandbox.Api.PostRules;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// The Images API (docs/linkedin-api.md §10.3): <c>POST /rest/images?action=initializeUpload</c> registers an upload owned by the
/// member or a page they may post for and answers where to PUT the bytes; <c>GET /rest/images/{encoded urn}</c> reads the
/// processing state, which member-only tokens may not (403).
/// </summary>
internal sealed class ImagesEndpoint(ApiAuthenticator authenticator, ApiVersions versions, ImageStore images, ImageRules rules)
{
    public async ValueTask<IResult> HandleInitializeAsync(HttpContext http, CallRecord call)
    {
        var (grant, member, error) = authenticator.Authenticate(http, call, posting: false);
        var version = "";
        if ((error ?? Headers(http, call, out version)) is { } refused)
        {
            return refused;
        }

        if (http.Request.Query["action"] != "initializeUpload")
        {
            return ApiErrors.BadRequest(call, "POST /rest/images needs ?action=initializeUpload");
        }

        var resource = "images.ACTION-initializeUpload." + version;
        if (!MayPostAtAll(grant!))
        {
            return ApiErrors.AccessDenied(call, resource);
        }

        var (document, bodyError) = await ReadBodyAsync(http, call);
        if (document is null)
        {
            return bodyError!;
        }

        using (document)
        {
            IResult? invalid = null;
            var owner = RequiredString(Child(document.RootElement, "initializeUploadRequest"), "owner", "/initializeUploadRequest/owner", call, ref invalid);
            if (invalid is not null)
            {
                return invalid;
            }

            if (!PersonUrn().IsMatch(owner!) && !OrganizationUrn().IsMatch(owner!))
            {
                return ApiErrors.Unprocessable(call, "/initializeUploadRequest/owner", $"\"{owner}\" does not match urn:li:person:[A-Za-z0-9_-]+|urn:li:organization:\\d+");
            }

            if (!rules.MayOwn(grant!, member!, owner!))
            {
                return ApiErrors.AccessDenied(call, resource);
            }

            var image = images.Register(SandboxImageApi.Images, owner!, grant!);
            var uploadUrl = $"{BaseOf(http)}dms-uploads/{image.Id}/uploaded-image/0?ca=vector_ads&cn=uploads&sync=0&v=beta&ut={image.UploadKey}";
            return Results.Json(
                new { value = new InitializedUpload(image.UploadUrlExpiresAt.ToUnixTimeMilliseconds(), uploadUrl, image.Urn) }, SandboxJson.Options);
        }
    }

    public ValueTask<IResult> HandleGetAsync(HttpContext http, CallRecord call) => ValueTask.FromResult(Get(http, call));

    private IResult Get(HttpContext http, CallRecord call)
    {
        var (grant, member, error) = authenticator.Authenticate(http, call, posting: false);
        if ((error ?? Headers(http, call, out _)) is { } refused)
        {
            return refused;
        }

        var urn = http.GetRouteValue("urn") as string ?? "";
        if (!urn.StartsWith("urn:li:image:", StringComparison.Ordinal))
        {
            return ApiErrors.BadRequest(call, $"\"{urn}\" is not an image URN (urn:li:image:{{id}}, URL-encoded)");
        }

        // Member tokens are write-only here (§10.3): the check comes before the image is looked up, so they learn nothing.
        if (!grant!.Contains(Scopes.OrganizationSocial))
        {
            return ApiErrors.ImageForbidden(call);
        }

        if (images.FindByUrn(urn) is not { } image)
        {
            return ApiErrors.NotFound(call, $"Image {urn} does not exist");
        }

        if (!rules.MayOwn(grant, member!, image.Owner))
        {
            return ApiErrors.ImageForbidden(call);
        }

        var available = image.Status == SandboxImageStatus.Available;
        return Results.Json(new ImageView(
            image.Owner,
            image.Status,
            image.Urn,
            available ? $"{BaseOf(http)}dms/image/{image.Id}" : null,
            // The download URL is served as long as the image is; LinkedIn's expire, so a value is given as LinkedIn gives one.
            available ? image.ProcessedAt!.Value.AddDays(60).ToUnixTimeMilliseconds() : null,
            image.Status == SandboxImageStatus.ProcessingFailed ? image.FailureReason : null), SandboxJson.Options);
    }

    /// <summary><c>LinkedIn-Version</c> as for every <c>/rest</c> call, and <c>X-Restli-Protocol-Version: 2.0.0</c>, which the Images API requires.</summary>
    private IResult? Headers(HttpContext http, CallRecord call, out string version)
    {
        version = http.Request.Headers["LinkedIn-Version"].ToString();
        if (version.Length == 0)
        {
            return ApiErrors.VersionMissing(call);
        }

        if (versions.Refused(version) is { } inactive)
        {
            return ApiErrors.VersionInactive(call, inactive);
        }

        return http.Request.Headers["X-Restli-Protocol-Version"] != "2.0.0"
            ? ApiErrors.BadRequest(call, "The X-Restli-Protocol-Version header must be 2.0.0")
            : null;
    }

    /// <summary>The sandbox's own address as the caller reached it, standing in for LinkedIn's upload and media hosts.</summary>
    internal static string BaseOf(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}/";
}

internal sealed record InitializedUpload(
    [property: JsonPropertyName("uploadUrlExpiresAt")] long UploadUrlExpiresAt,
    [property: JsonPropertyName("uploadUrl")] string UploadUrl,
    [property: JsonPropertyName("image")] string Image);

/// <summary>The fields of <c>GET /rest/images/{urn}</c> (§10.3); absent ones are left out.</summary>
internal sealed record ImageView(
    [property: JsonPropertyName("owner")] string Owner,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("downloadUrl")] string? DownloadUrl,
    [property: JsonPropertyName("downloadUrlExpiresAt")] long? DownloadUrlExpiresAt,
    [property: JsonPropertyName("processingFailureReason")] string? ProcessingFailureReason);
