using System.Globalization;
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
    /// <summary>"All access tokens are issued with a 60-day lifespan" (LinkedIn's OAuth documentation).</summary>
    public static readonly TimeSpan MaxAccessLifetime = TimeSpan.FromDays(60);

    /// <summary>Refresh tokens live 365 days (answers show up to 31,556,951 s, a year and six hours); a day of slack.</summary>
    public static readonly TimeSpan MaxRefreshLifetime = TimeSpan.FromDays(366);

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
            var clamped = new List<string>(2);
            if (root.ValueKind != JsonValueKind.Object ||
                !TryGetString(root, "access_token", out var accessToken) ||
                !TryGetSeconds(root, "expires_in", MaxAccessLifetime, clamped, out var expiresIn))
            {
                return null;
            }

            SecretToken? refreshToken = TryGetString(root, "refresh_token", out var refresh) ? new SecretToken(refresh) : null;
            TimeSpan? refreshExpiresIn = TryGetSeconds(root, "refresh_token_expires_in", MaxRefreshLifetime, clamped, out var r) ? r : null;
            var scopes = TryGetString(root, "scope", out var scope) ? SplitScopes(scope) : [];
            return new TokenGranted(
                new SecretToken(accessToken), expiresIn, refreshToken, refreshExpiresIn, scopes, requestedAt,
                clamped.Count == 0 ? null : string.Join("; ", clamped));
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

    /// <summary>
    /// A lifetime in seconds, cut to <paramref name="max"/>: an absurd value in an answer that carries tokens (one that would
    /// overflow a date) must not make us drop tokens LinkedIn already rotated.
    /// </summary>
    private static bool TryGetSeconds(JsonElement root, string name, TimeSpan max, List<string> clamped, out TimeSpan value)
    {
        value = default;
        if (!root.TryGetProperty(name, out var element))
        {
            return false;
        }

        double seconds;
        if (element.ValueKind == JsonValueKind.Number && element.TryGetDouble(out var number))
        {
            seconds = number;
        }
        else if (element.ValueKind == JsonValueKind.String &&
                 double.TryParse(element.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
        {
            seconds = parsed;
        }
        else
        {
            return false;
        }

        if (double.IsNaN(seconds) || seconds <= 0)
        {
            return false;
        }

        if (seconds > max.TotalSeconds)
        {
            clamped.Add($"{name} {seconds.ToString("G6", CultureInfo.InvariantCulture)} s, cut to {max.TotalDays:0} days");
            value = max;
            return true;
        }

        value = TimeSpan.FromSeconds(Math.Floor(seconds));
        return true;
    }
}
