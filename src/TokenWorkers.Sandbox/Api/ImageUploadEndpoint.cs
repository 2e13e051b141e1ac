using TokenWorkers.Sandbox.Control;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// The upload URLs the register calls hand out (docs/linkedin-api.md §10.2–10.3): the whole image as the raw body of one
/// request (PUT; the Assets path also takes POST), answered 201 with no body. The URL itself is the credential (its <c>ut</c>);
/// a bearer token sent along, as LinkedIn's samples do, must be a working one.
/// </summary>
internal sealed class ImageUploadEndpoint(ApiAuthenticator authenticator, ImageStore images)
{
    public ValueTask<IResult> HandleImageAsync(HttpContext http, CallRecord call) => HandleAsync(http, call, SandboxImageApi.Images);

    public ValueTask<IResult> HandleAssetAsync(HttpContext http, CallRecord call) => HandleAsync(http, call, SandboxImageApi.Assets);

    /// <summary>The bytes of an <c>AVAILABLE</c> image at the <c>downloadUrl</c> that <c>GET /rest/images</c> gives.</summary>
    public static IResult Download(string id, ImageStore images) =>
        images.Download(id) is var (image, bytes) ? Results.Bytes(bytes, image.MediaType ?? "application/octet-stream") : Results.NotFound();

    private async ValueTask<IResult> HandleAsync(HttpContext http, CallRecord call, SandboxImageApi api)
    {
        if (http.Request.Headers.Authorization.Count > 0)
        {
            var (_, _, error) = authenticator.Authenticate(http, call, posting: false);
            if (error is not null)
            {
                return error;
            }
        }

        byte[] bytes;
        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            bytes = buffer.ToArray();
        }
        catch (BadHttpRequestException)
        {
            return ApiErrors.BadRequest(call, "The upload body could not be read");
        }

        var id = http.GetRouteValue("id") as string ?? "";
        return images.Upload(id, api, http.Request.Query["ut"].ToString(), bytes) switch
        {
            ImageUploadOutcome.Accepted => Results.StatusCode(StatusCodes.Status201Created),
            ImageUploadOutcome.Expired => ApiErrors.UploadUrlExpired(call),
            _ => ApiErrors.NotFound(call, "No upload is waiting at this URL"),
        };
    }
}
