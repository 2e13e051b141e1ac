using System.Net;
using System.Text.Json;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// Turns a raw answer of <c>/oauth/v2/accessToken</c> into a <see cref="TokenResult"/>: the grant is read here, an
/// error answer by <see cref="LinkedInErrorReader"/>, which holds all knowledge of LinkedIn's error strings.
/// </summary>
public static class TokenResponseReader
{
    public static TokenResult Read(HttpStatusCode status, string body, DateTimeOffset requestedAt)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
        {
            return (TokenResult?)ReadGrant(body, requestedAt) ?? new TokenFailed(
                FailureClass.Transient, null, "LinkedIn answered success with an unreadable token body", code);
        }

        return LinkedInErrorReader.OAuthFailure(status, body, requestedAt);
    }

    /// <summary>LinkedIn's daily limits reset at midnight UTC and 429s carry no Retry-After.</summary>
    public static DateTimeOffset NextUtcMidnight(DateTimeOffset now) => LinkedInErrorReader.NextUtcMidnight(now);

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
