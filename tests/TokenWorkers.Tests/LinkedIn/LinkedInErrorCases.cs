using TokenWorkers.Contracts;

namespace TokenWorkers.Tests.LinkedIn;

/// <summary>
/// LinkedIn's error answers and what each one means, for both APIs: status and body in, class, code and message out.
/// One table, read by the tests of the clients' public surface and of the reader behind them.
/// </summary>
internal static class LinkedInErrorCases
{
    /// <summary>The token endpoints (<c>/oauth/v2/accessToken</c>, <c>/oauth/v2/revoke</c>): status, body, class, error code, description.</summary>
    public static TheoryData<int, string, FailureClass, string?, string> OAuth => new()
    {
        { 400, """{"error":"invalid_request","error_description":"The provided authorization grant or refresh token is invalid, expired or revoked"}""",
            FailureClass.Reauth, "invalid_request", "LinkedIn answered HTTP 400 invalid_request: The provided authorization grant or refresh token is invalid, expired or revoked" },
        { 400, """{"error":"invalid_request","error_description":"Unable to retrieve access token: authorization code not found"}""",
            FailureClass.Reauth, "invalid_request", "LinkedIn answered HTTP 400 invalid_request: Unable to retrieve access token: authorization code not found" },
        { 400, """{"error":"invalid_request","error_description":"Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists"}""",
            FailureClass.Reauth, "invalid_request", "LinkedIn answered HTTP 400 invalid_request: Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists" },
        { 400, """{"error":"invalid_grant","error_description":"refresh token expired"}""",
            FailureClass.Reauth, "invalid_grant", "LinkedIn answered HTTP 400 invalid_grant: refresh token expired" },
        { 401, """{"error":"invalid_client","error_description":"Client authentication failed"}""",
            FailureClass.Configuration, "invalid_client", "LinkedIn answered HTTP 401 invalid_client: Client authentication failed" },
        { 400, """{"error":"unauthorized_client"}""",
            FailureClass.Configuration, "unauthorized_client", "LinkedIn answered HTTP 400 unauthorized_client" },
        { 400, """{"error":"unsupported_grant_type","error_description":""}""",
            FailureClass.Configuration, "unsupported_grant_type", "LinkedIn answered HTTP 400 unsupported_grant_type" },
        { 400, """{"error":"invalid_redirect_uri","error_description":"Unable to retrieve access token: appid/redirect uri/code verifier mismatch"}""",
            FailureClass.Configuration, "invalid_redirect_uri", "LinkedIn answered HTTP 400 invalid_redirect_uri: Unable to retrieve access token: appid/redirect uri/code verifier mismatch" },
        { 400, """{"error":"invalid_request","error_description":"A required parameter \"refresh_token\" is missing"}""",
            FailureClass.Configuration, "invalid_request", "LinkedIn answered HTTP 400 invalid_request: A required parameter \"refresh_token\" is missing" },
        { 400, """{"error":"something_new"}""",
            FailureClass.Configuration, "something_new", "LinkedIn answered HTTP 400 something_new" },
        { 403, """{"error":"access_denied","error_description":"Not allowed"}""",
            FailureClass.Permission, "access_denied", "LinkedIn answered HTTP 403 access_denied: Not allowed" },
        { 403, """{"status":403,"serviceErrorCode":100,"code":"ACCESS_DENIED","message":"Not enough permissions"}""",
            FailureClass.Permission, "ACCESS_DENIED", "LinkedIn answered HTTP 403 ACCESS_DENIED: Not enough permissions" },
        { 429, """{"status":429,"serviceErrorCode":101,"code":"TOO_MANY_REQUESTS","message":"Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached."}""",
            FailureClass.RateLimited, "TOO_MANY_REQUESTS", "LinkedIn answered HTTP 429 TOO_MANY_REQUESTS: Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached." },
        { 429, "{}",
            FailureClass.RateLimited, null, "LinkedIn answered HTTP 429 without an OAuth error body" },
        { 500, """{"error":"server_error"}""",
            FailureClass.Transient, "server_error", "LinkedIn answered HTTP 500 server_error" },
        { 503, "<html>Service Unavailable</html>",
            FailureClass.Transient, null, "LinkedIn answered HTTP 503 without an OAuth error body" },
        { 408, """{"error":"invalid_client"}""",
            FailureClass.Transient, "invalid_client", "LinkedIn answered HTTP 408 invalid_client" },
        { 409, "",
            FailureClass.Transient, null, "LinkedIn answered HTTP 409 without an OAuth error body" },
        { 400, "not json at all",
            FailureClass.Transient, null, "LinkedIn answered HTTP 400 without an OAuth error body" },
        { 400, """["invalid_grant"]""",
            FailureClass.Transient, null, "LinkedIn answered HTTP 400 without an OAuth error body" },
        { 400, """{"error":""}""",
            FailureClass.Transient, null, "LinkedIn answered HTTP 400 without an OAuth error body" },
        { 400, """{"error":42,"error_description":"numbers are not codes"}""",
            FailureClass.Transient, null, "LinkedIn answered HTTP 400 : numbers are not codes" },
        { 400, $$"""{"error":"invalid_request","error_description":"{{new string('x', 5000)}}"}""",
            FailureClass.Configuration, "invalid_request", ("LinkedIn answered HTTP 400 invalid_request: " + new string('x', 5000))[..300] },
    };

    /// <summary>The REST API (<c>/v2/userinfo</c>, <c>/v2/ugcPosts</c>, <c>/rest/posts</c>): status, body, class, code, message.</summary>
    public static TheoryData<int, string, FailureClass, string?, string> Rest => new()
    {
        // docs/linkedin-api.md §9.5: a page post without w_organization_social, both wordings seen.
        { 400, """{"message":"Organization permissions must be used when using organization as author","status":400}""",
            FailureClass.Permission, null, "LinkedIn answered HTTP 400: Organization permissions must be used when using organization as author" },
        { 400, """{"message":"Organization Or Events permissions must be used when using organization as author","status":400}""",
            FailureClass.Permission, null, "LinkedIn answered HTTP 400: Organization Or Events permissions must be used when using organization as author" },
        { 401, """{"status":401,"serviceErrorCode":65601,"code":"REVOKED_ACCESS_TOKEN","message":"The token used in the request has been revoked by the user"}""",
            FailureClass.Reauth, "REVOKED_ACCESS_TOKEN", "LinkedIn answered HTTP 401 REVOKED_ACCESS_TOKEN: The token used in the request has been revoked by the user" },
        { 401, "",
            FailureClass.Reauth, null, "LinkedIn answered HTTP 401" },
        { 403, """{"status":403,"serviceErrorCode":100,"code":"ACCESS_DENIED","message":"Not enough permissions to access: ugcPosts.CREATE.NO_VERSION"}""",
            FailureClass.Permission, "ACCESS_DENIED", "LinkedIn answered HTTP 403 ACCESS_DENIED: Not enough permissions to access: ugcPosts.CREATE.NO_VERSION" },
        { 429, """{"status":429,"serviceErrorCode":101,"code":"TOO_MANY_REQUESTS","message":"Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached."}""",
            FailureClass.RateLimited, "TOO_MANY_REQUESTS", "LinkedIn answered HTTP 429 TOO_MANY_REQUESTS: Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached." },
        { 500, """{"message":"Internal Server Error","status":500}""",
            FailureClass.Transient, null, "LinkedIn answered HTTP 500: Internal Server Error" },
        { 503, "<html>Service Unavailable</html>",
            FailureClass.Transient, null, "LinkedIn answered HTTP 503" },
        { 408, "",
            FailureClass.Transient, null, "LinkedIn answered HTTP 408" },
        { 409, """{"code":"CONFLICT"}""",
            FailureClass.Transient, "CONFLICT", "LinkedIn answered HTTP 409 CONFLICT" },
        { 400, """{"status":400,"code":"VERSION_MISSING","message":"A version must be present. Please specify a version by adding the LinkedIn-Version header."}""",
            FailureClass.Invalid, "VERSION_MISSING", "LinkedIn answered HTTP 400 VERSION_MISSING: A version must be present. Please specify a version by adding the LinkedIn-Version header." },
        { 426, """{"status":426,"code":"NONEXISTENT_VERSION","message":"Requested version 20250401 is not active"}""",
            FailureClass.Configuration, "NONEXISTENT_VERSION", "LinkedIn answered HTTP 426 NONEXISTENT_VERSION: Requested version 20250401 is not active" },
        { 422, "{\"message\":\"ERROR :: /author :: \\\"urn:li:person:xyz\\\" does not match urn:li:company:\\\\d+\\n\",\"status\":422}",
            FailureClass.Invalid, null, "LinkedIn answered HTTP 422: ERROR :: /author :: \"urn:li:person:xyz\" does not match urn:li:company:\\d+" },
        { 400, """{"code":"","message":"an empty code"}""",
            FailureClass.Invalid, "", "LinkedIn answered HTTP 400: an empty code" },
        { 404, """["not","an","object"]""",
            FailureClass.Invalid, null, "LinkedIn answered HTTP 404" },
        { 422, """["DUPLICATE_POST"]""",
            FailureClass.Invalid, null, "LinkedIn answered HTTP 422" },
        { 422, """{"message":"urn:li:share:1","errorDetails":["DUPLICATE_POST"]}""",
            FailureClass.Invalid, null, "LinkedIn answered HTTP 422: urn:li:share:1" },
        { 422, """{"message":"urn:li:share:1","errorDetails":{"inputErrors":["DUPLICATE_POST",{"code":7}]}}""",
            FailureClass.Invalid, null, "LinkedIn answered HTTP 422: urn:li:share:1" },
        { 200, "{}",
            FailureClass.Transient, null, "LinkedIn answered HTTP 200" },
        { 400, $$"""{"code":"BAD_REQUEST","message":"{{new string('y', 5000)}}"}""",
            FailureClass.Invalid, "BAD_REQUEST", ("LinkedIn answered HTTP 400 BAD_REQUEST: " + new string('y', 5000))[..300] },
    };

    /// <summary>LinkedIn's answer to identical content from the same author (linkedin-api.md §5.3).</summary>
    public const string DuplicatePost =
        """{"errorDetailType":"com.linkedin.common.error.BadRequest","message":"com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of urn:li:share:7141138937766391808","errorDetails":{"inputErrors":[{"description":"Duplicate post is detected","input":{},"code":"DUPLICATE_POST"}]},"status":422}""";
}
