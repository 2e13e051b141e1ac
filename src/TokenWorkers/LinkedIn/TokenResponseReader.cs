using System.Net;
using System.Text.Json;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// Turns a raw answer of <c>/oauth/v2/accessToken</c> into a <see cref="TokenResult"/>. All knowledge of
/// LinkedIn's error strings lives here, so nothing else matches on them.
/// </summary>
public static class TokenResponseReader
{
    private const int MaxDescriptionLength = 300;

    public static TokenResult Read(HttpStatusCode status, string body, DateTimeOffset requestedAt)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return (TokenResult?)ReadGrant(body, requestedAt) ?? new TokenFailed(
                FailureClass.Transient, null, "LinkedIn answered success with an unreadable token body", code);
        }

        var (error, description) = ReadError(body);
        return new TokenFailed(Classify(code, error, description), error, Describe(code, error, description), code,
            code == 429 ? NextUtcMidnight(requestedAt) : null);
    }

    /// <summary>LinkedIn's daily limits reset at midnight UTC and 429s carry no Retry-After.</summary>
    public static DateTimeOffset NextUtcMidnight(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Date.AddDays(1), TimeSpan.Zero);
    }

    private static FailureClass Classify(int status, string? error, string? description)
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

    private static TokenGranted? ReadGrant(string body, DateTimeOffset requestedAt)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object ||
                !TryGetString(root, "access_token", out var accessToken) ||
                !TryGetSeconds(root, "expires_in", out var expiresIn))
            {
                return null;
            }

            SecretToken? refreshToken = TryGetString(root, "refresh_token", out var refresh) ? new SecretToken(refresh) : null;
            TimeSpan? refreshExpiresIn = TryGetSeconds(root, "refresh_token_expires_in", out var r) ? r : null;
            var scopes = TryGetString(root, "scope", out var scope) ? SplitScopes(scope) : [];
            return new TokenGranted(new SecretToken(accessToken), expiresIn, refreshToken, refreshExpiresIn, scopes, requestedAt);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>LinkedIn documents space-delimited scopes but answers comma-separated ones; accept both.</summary>
    public static IReadOnlyList<string> SplitScopes(string scope) =>
        scope.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToArray();

    private static (string? Error, string? Description) ReadError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            // OAuth errors use error/error_description; API gateway errors (a 429 or 403 in front of the
            // token endpoint) use code/message.
            string? error = TryGetString(root, "error", out var oauthError) ? oauthError
                : TryGetString(root, "code", out var apiCode) ? apiCode : null;
            string? description = TryGetString(root, "error_description", out var oauthDescription) ? oauthDescription
                : TryGetString(root, "message", out var message) ? message : null;
            return (error, description);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string Describe(int status, string? error, string? description)
    {
        var text = (error, description) switch
        {
            (null, null) => $"LinkedIn answered HTTP {status} without an OAuth error body",
            (_, null) => $"LinkedIn answered HTTP {status} {error}",
            _ => $"LinkedIn answered HTTP {status} {error}: {description}",
        };
        return text.Length <= MaxDescriptionLength ? text : text[..MaxDescriptionLength];
    }

    private static bool TryGetString(JsonElement root, string name, out string value)
    {
        if (root.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String &&
            element.GetString() is { Length: > 0 } text)
        {
            value = text;
            return true;
        }

        value = "";
        return false;
    }

    private static bool TryGetSeconds(JsonElement root, string name, out TimeSpan value)
    {
        value = default;
        if (!root.TryGetProperty(name, out var element))
        {
            return false;
        }

        long seconds;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var number))
        {
            seconds = number;
        }
        else if (element.ValueKind == JsonValueKind.String && long.TryParse(element.GetString(), out var parsed))
        {
            seconds = parsed;
        }
        else
        {
            return false;
        }

        if (seconds <= 0)
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }
}
