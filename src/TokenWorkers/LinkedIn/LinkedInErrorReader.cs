using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// LinkedIn's error answers, for both of its APIs: all reading of error bodies and all mapping of statuses to
/// <see cref="FailureClass"/> live here, so nothing else matches on LinkedIn's strings. The token endpoints answer
/// <c>{"error","error_description"}</c>; the REST API, and the gateway in front of both, <c>{"status","serviceErrorCode","code","message"}</c>.
/// Messages quote LinkedIn's own text, bounded; they never hold anything we sent.
/// </summary>
internal static partial class LinkedInErrorReader
{
    private const int MaxMessageLength = 300;

    /// <summary>A token endpoint's refusal; a rate limit is retried from <paramref name="requestedAt"/>'s next midnight UTC.</summary>
    public static TokenFailed OAuthFailure(HttpStatusCode status, string body, DateTimeOffset requestedAt)
    {
        var code = (int)status;
        var fields = ErrorBody.Parse(body);
        // A 429 or 403 from the gateway in front of the token endpoint has code/message instead of error/error_description.
        var error = NonEmpty(fields.Error) ?? NonEmpty(fields.Code);
        var description = NonEmpty(fields.ErrorDescription) ?? NonEmpty(fields.Message);
        var text = (error, description) switch
        {
            (null, null) => $"LinkedIn answered HTTP {code} without an OAuth error body",
            (_, null) => $"LinkedIn answered HTTP {code} {error}",
            _ => $"LinkedIn answered HTTP {code} {error}: {description}",
        };
        return new TokenFailed(ClassifyOAuth(code, error, description), error, Bounded(text), code,
            code == 429 ? NextUtcMidnight(requestedAt) : null);
    }

    /// <summary>A REST call's refusal; a rate limit is retried from <paramref name="now"/>'s next midnight UTC.</summary>
    public static ApiRejected ApiFailure(HttpStatusCode status, string body, DateTimeOffset now)
    {
        var code = (int)status;
        var fields = ErrorBody.Parse(body);
        var text = (fields.Code, fields.Message) switch
        {
            (null, null) => $"LinkedIn answered HTTP {code}",
            (_, null) => $"LinkedIn answered HTTP {code} {fields.Code}",
            // Without a code (or with an empty one) the message follows the status directly.
            _ => $"LinkedIn answered HTTP {code} {fields.Code}: {fields.Message}".Replace(" : ", ": ", StringComparison.Ordinal),
        };

        var failure = code switch
        {
            401 => FailureClass.Reauth,
            403 => FailureClass.Permission,
            // The app or grant lacks w_organization_social (docs/linkedin-api.md §9.5): a permission, not the content's fault.
            400 when fields.Message?.Contains("permissions must be used when using organization as author", StringComparison.OrdinalIgnoreCase) == true
                => FailureClass.Permission,
            429 => FailureClass.RateLimited,
            // 426 NONEXISTENT_VERSION: LinkedIn no longer serves the pinned LinkedIn-Version. The worker's setting is wrong,
            // for every post alike; nothing about this post or member is.
            426 => FailureClass.Configuration,
            >= 500 or 408 or 409 => FailureClass.Transient,
            >= 400 => FailureClass.Invalid,
            _ => FailureClass.Transient,
        };
        return new ApiRejected(failure, code, fields.Code, Bounded(text.Trim()),
            failure == FailureClass.RateLimited ? NextUtcMidnight(now) : null);
    }

    /// <summary>
    /// The earlier post's URN when <paramref name="body"/> is LinkedIn's 422 DUPLICATE_POST, which names it only inside
    /// its message ("... Content is a duplicate of urn:li:share:7141138937766391808"); otherwise null.
    /// </summary>
    public static string? DuplicateOf(string body)
    {
        var fields = ErrorBody.Parse(body);
        return fields.IsDuplicatePost && fields.Message is not null && DuplicateUrn().Match(fields.Message) is { Success: true } match
            ? match.Value
            : null;
    }

    /// <summary>LinkedIn's daily limits reset at midnight UTC and 429s carry no Retry-After.</summary>
    public static DateTimeOffset NextUtcMidnight(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Date.AddDays(1), TimeSpan.Zero);
    }

    private static FailureClass ClassifyOAuth(int status, string? error, string? description)
    {
        if (status == 429)
        {
            return FailureClass.RateLimited;
        }

        if (status >= 500 || status is 408 or 409)
        {
            return FailureClass.Transient;
        }

        switch (error)
        {
            case "invalid_grant":
                return FailureClass.Reauth;
            case "invalid_request" when IsDeadGrant(description):
                return FailureClass.Reauth;
            case "invalid_client" or "unauthorized_client" or "unsupported_grant_type" or "invalid_redirect_uri":
                return FailureClass.Configuration;
            case "invalid_request":
                // A missing parameter or similar: our request is wrong, which no member can fix.
                return FailureClass.Configuration;
            case null:
                // A 4xx without LinkedIn's error shape (a proxy page, an empty body) says nothing about the grant.
                return FailureClass.Transient;
            default:
                return status == 403 ? FailureClass.Permission : FailureClass.Configuration;
        }
    }

    /// <summary>
    /// LinkedIn documents <c>invalid_request</c> "... refresh token is invalid, expired or revoked" for a dead
    /// refresh token, and "authorization code ... expired / not found" for a dead code; both need the member.
    /// </summary>
    private static bool IsDeadGrant(string? description) =>
        description is not null &&
        (description.Contains("invalid, expired or revoked", StringComparison.OrdinalIgnoreCase) ||
         description.Contains("authorization code not found", StringComparison.OrdinalIgnoreCase) ||
         description.Contains("does not match authorization code", StringComparison.OrdinalIgnoreCase) ||
         description.Contains("authorization code expired", StringComparison.OrdinalIgnoreCase));

    private static string Bounded(string text) => text.Length <= MaxMessageLength ? text : text[..MaxMessageLength];

    private static string? NonEmpty(string? value) => value is { Length: > 0 } ? value : null;

    [GeneratedRegex(@"urn:li:(share|ugcPost):\d+")]
    private static partial Regex DuplicateUrn();

    /// <summary>
    /// The fields of either error shape, read in one pass: each is the property's string value (possibly empty), or null
    /// when it is missing or not a string, or when the body is not a JSON object at all.
    /// </summary>
    private readonly record struct ErrorBody(string? Error, string? ErrorDescription, string? Code, string? Message, bool IsDuplicatePost)
    {
        public static ErrorBody Parse(string body)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                return root.ValueKind != JsonValueKind.Object
                    ? default
                    : new ErrorBody(
                        String(root, "error"), String(root, "error_description"), String(root, "code"), String(root, "message"),
                        HasDuplicatePostInput(root));
            }
            catch (JsonException)
            {
                return default;
            }
        }

        /// <summary><c>errorDetails.inputErrors[*].code == "DUPLICATE_POST"</c>, checking each element's kind on the way.</summary>
        private static bool HasDuplicatePostInput(JsonElement root) =>
            root.TryGetProperty("errorDetails", out var details) && details.ValueKind == JsonValueKind.Object &&
            details.TryGetProperty("inputErrors", out var inputs) && inputs.ValueKind == JsonValueKind.Array &&
            inputs.EnumerateArray().Any(e => e.ValueKind == JsonValueKind.Object && String(e, "code") == "DUPLICATE_POST");

        private static string? String(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
