using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Hosting;

namespace TokenWorkers.Sandbox.Api;

/// <summary>The API endpoints' failures, with the bodies LinkedIn returns (observed where LinkedIn documents none).</summary>
internal static class ApiErrors
{
    public static IResult EmptyToken(CallRecord call) =>
        Envelope(call, 401, 65604, "EMPTY_ACCESS_TOKEN", "Empty oauth2_access_token");

    public static IResult InvalidToken(CallRecord call) =>
        Envelope(call, 401, 65600, "INVALID_ACCESS_TOKEN", "Invalid access token");

    public static IResult RevokedToken(CallRecord call) =>
        Envelope(call, 401, 65601, "REVOKED_ACCESS_TOKEN", "The token used in the request has been revoked by the user");

    public static IResult ExpiredToken(CallRecord call) =>
        Envelope(call, 401, 65602, "EXPIRED_ACCESS_TOKEN", "The token used in the request has expired");

    public static IResult AccessDenied(CallRecord call, string resource) =>
        Envelope(call, 403, 100, "ACCESS_DENIED", "Not enough permissions to access: " + resource);

    public static IResult Throttled(CallRecord call, string counter) =>
        Envelope(call, 429, 101, "TOO_MANY_REQUESTS", $"Resource level throttle {counter} DAY limit for calls to this resource is reached.");

    public static IResult VersionMissing(CallRecord call) =>
        Envelope(call, 400, null, "VERSION_MISSING", "A version must be present. Please specify a version by adding the LinkedIn-Version header.");

    public static IResult VersionInactive(CallRecord call, string version) =>
        Envelope(call, 426, null, "NONEXISTENT_VERSION", $"Requested version {version} is not active");

    /// <summary>A post URN no post has. LinkedIn's 404 body for a delete is not captured (docs/linkedin-api.md §11): this is the API envelope.</summary>
    public static IResult PostNotFound(CallRecord call, string urn) =>
        Envelope(call, 404, null, "NOT_FOUND", $"Post {urn} does not exist");

    /// <summary>A page post whose token lacks <c>w_organization_social</c> (docs/linkedin-api.md §9.5, observed on <c>/rest/posts</c>; only the message was captured).</summary>
    public static IResult OrganizationPermissionsMissing(CallRecord call) =>
        Gateway(call, 400, "ORGANIZATION_PERMISSIONS_MISSING", "Organization Or Events permissions must be used when using organization as author");

    /// <summary>A resource that does not exist (docs/linkedin-api.md §4.6: 404 wrong resource), in the API envelope.</summary>
    public static IResult NotFound(CallRecord call, string message) =>
        Envelope(call, 404, null, "NOT_FOUND", message);

    /// <summary>
    /// <c>GET /rest/images/{urn}</c> without <c>w_organization_social</c>, or for an image the token may not see (docs/linkedin-api.md
    /// §10.5: the status and message are reported; the envelope around the message is the sandbox's choice).
    /// </summary>
    public static IResult ImageForbidden(CallRecord call) =>
        Envelope(call, 403, 100, "ACCESS_DENIED", "Accessing this image resource is forbidden. Please check your permissions for this resource");

    /// <summary>A post naming an image or asset that is not its author's (docs/linkedin-api.md §10.5, observed on ugcPosts).</summary>
    public static IResult AssetsNotOwned(CallRecord call) =>
        Gateway(call, 400, "ASSETS_NOT_OWNED",
            "com.linkedin.publishing.util.common.ResponseException: One or more of the assets is not owned by the author. All assets must be owned by the author");

    /// <summary>A post naming an image no upload registered. LinkedIn's answer is not captured: the sandbox's choice.</summary>
    public static IResult ImageUnknown(CallRecord call, string urn) =>
        Gateway(call, 400, "IMAGE_NOT_FOUND", $"Image {urn} does not exist");

    /// <summary>
    /// A post naming an image that is not (yet) <c>AVAILABLE</c>. LinkedIn's answer is unsettled (Open question 24): the sandbox's
    /// choice, unless <see cref="SandboxSettings.UnavailableImagePosts"/> accepts such posts hidden.
    /// </summary>
    public static IResult ImageNotAvailable(CallRecord call, string urn, string status) =>
        Gateway(call, 400, "IMAGE_NOT_AVAILABLE", $"Image {urn} is {status}, not AVAILABLE: create the post after its processing has finished");

    /// <summary>Bytes sent to an upload URL after <c>uploadUrlExpiresAt</c>. LinkedIn's answer is not captured: the sandbox's choice.</summary>
    public static IResult UploadUrlExpired(CallRecord call) =>
        Gateway(call, 400, "UPLOAD_URL_EXPIRED", "The upload URL has expired; initialize a new upload");

    public static IResult BadRequest(CallRecord call, string message) =>
        Gateway(call, 400, "BAD_REQUEST", message);

    public static IResult UnpermittedFields(CallRecord call, string field) =>
        Gateway(call, 403, "UNPERMITTED_FIELDS", $"Unpermitted fields present in REQUEST_BODY: Data Processing Exception while processing fields [{field}]");

    /// <summary>A schema failure in the gateway's style: <c>ERROR :: /path :: reason</c> and a newline.</summary>
    public static IResult Unprocessable(CallRecord call, string path, string reason) =>
        Gateway(call, 422, "UNPROCESSABLE_ENTITY", $"ERROR :: {path} :: {reason}\n");

    public static IResult Duplicate(CallRecord call, string earlierUrn)
    {
        call.Outcome = "DUPLICATE_POST";
        var body = new DuplicatePostError(
            "com.linkedin.common.error.BadRequest",
            "com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of " + earlierUrn,
            new DuplicatePostDetails([new InputError("Duplicate post is detected", new EmptyObject(), "DUPLICATE_POST")]),
            422);
        return Results.Json(body, SandboxJson.Options, statusCode: 422);
    }

    private static IResult Gateway(CallRecord call, int status, string outcome, string message)
    {
        call.Outcome = outcome;
        return Results.Json(new GatewayError(message, status), SandboxJson.Options, statusCode: status);
    }

    private static IResult Envelope(CallRecord call, int status, int? serviceErrorCode, string code, string message)
    {
        call.Outcome = code;
        return Results.Json(new ApiError(status, serviceErrorCode, code, message), SandboxJson.Options, statusCode: status);
    }
}
