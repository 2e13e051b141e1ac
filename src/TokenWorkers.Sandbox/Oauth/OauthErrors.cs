using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Hosting;

namespace TokenWorkers.Sandbox.Oauth;

/// <summary>The OAuth endpoints' failures, with LinkedIn's documented texts where LinkedIn documents one.</summary>
internal static class OauthErrors
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidClient = "invalid_client";
    public const string InvalidGrant = "invalid_grant";

    public static IResult Missing(CallRecord call, string parameter) =>
        Error(call, 400, InvalidRequest, $"A required parameter \"{parameter}\" is missing");

    public static IResult Repeated(CallRecord call, string parameter) =>
        Error(call, 400, InvalidRequest, $"The parameter \"{parameter}\" must not be repeated");

    public static IResult WrongContentType(CallRecord call) =>
        Error(call, 400, InvalidRequest, "The request body must be application/x-www-form-urlencoded");

    public static IResult MalformedBody(CallRecord call) =>
        Error(call, 400, InvalidRequest, "The request body is not a valid form");

    public static IResult ClientAuthenticationFailed(CallRecord call) =>
        Error(call, 401, InvalidClient, "Client authentication failed");

    public static IResult UnsupportedGrantType(CallRecord call, string grantType) =>
        Error(call, 400, "unsupported_grant_type", $"The grant type \"{grantType}\" is not supported");

    public static IResult CodeNotFound(CallRecord call) =>
        Error(call, 401, InvalidRequest, "Unable to retrieve access token: authorization code not found");

    public static IResult CodeMismatch(CallRecord call) =>
        Error(call, 400, InvalidRequest,
            "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists");

    public static IResult InvalidRefreshToken(CallRecord call, RefreshTokenError style) =>
        Error(call, 400, style == RefreshTokenError.InvalidGrant ? InvalidGrant : InvalidRequest,
            "The provided authorization grant or refresh token is invalid, expired or revoked");

    public static IResult Error(CallRecord call, int status, string error, string description)
    {
        call.Outcome = error;
        return Results.Json(new OauthError(error, description), SandboxJson.Options, statusCode: status);
    }
}
