namespace TokenWorkers.Proxy;

/// <summary>
/// The part of a proxy request's raw target (as the caller sent it, before any decoding or dot-segment removal) that goes
/// to LinkedIn: the path after <c>/proxy/linkedin/{connectionId}/</c> and the query. Refused, with the reason, when it could
/// reach anything but a path under LinkedIn's API base: an absolute URL, a dot segment (also percent-encoded), an encoded
/// slash or backslash, a backslash, an empty segment (<c>//</c>), user info (<c>@</c>), a scheme-like first segment,
/// double encoding, whitespace or control characters.
/// </summary>
public static class ProxyTarget
{
    public const string Prefix = "/proxy/linkedin/";

    /// <summary>The path and query to append to the API base, or the reason it is refused.</summary>
    public static (string? PathAndQuery, string? Refusal) Parse(string rawTarget)
    {
        ArgumentNullException.ThrowIfNull(rawTarget);
        if (!rawTarget.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return (null, "Only a path under /proxy/linkedin/{connectionId}/ is accepted, not an absolute URL.");
        }

        var queryAt = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = queryAt < 0 ? rawTarget : rawTarget[..queryAt];
        var query = queryAt < 0 ? "" : rawTarget[queryAt..];
        var afterPrefix = path[Prefix.Length..];
        var slash = afterPrefix.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == afterPrefix.Length - 1)
        {
            return (null, "A LinkedIn API path is required after the connection id (e.g. /proxy/linkedin/{connectionId}/v2/userinfo).");
        }

        var segments = afterPrefix[(slash + 1)..].Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            if (Problem(segments[i], first: i == 0) is { } problem)
            {
                return (null, $"The path is refused: {problem}.");
            }
        }

        if (query.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '#'))
        {
            return (null, "The query is refused: it holds whitespace, a control character or '#'.");
        }

        return (afterPrefix[(slash + 1)..] + query, null);
    }

    private static string? Problem(string raw, bool first)
    {
        if (raw.Length == 0)
        {
            return "an empty segment ('//')";
        }

        if (raw.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return "whitespace or a control character";
        }

        if (raw.Contains('\\', StringComparison.Ordinal))
        {
            return "a backslash";
        }

        if (raw.Contains('@', StringComparison.Ordinal))
        {
            return "an '@' (user info)";
        }

        var decoded = Uri.UnescapeDataString(raw);
        if (decoded.Contains('/', StringComparison.Ordinal) || decoded.Contains('\\', StringComparison.Ordinal))
        {
            return "an encoded slash or backslash";
        }

        if (decoded is "." or ".." || decoded.Trim() is "." or "..")
        {
            return "a dot segment ('.' or '..', also encoded)";
        }

        if (decoded.Contains('%', StringComparison.Ordinal) || decoded.Any(char.IsControl))
        {
            return "double or broken percent-encoding";
        }

        if (first && decoded.Contains(':', StringComparison.Ordinal))
        {
            return "a scheme in the first segment (an absolute URL)";
        }

        return null;
    }
}
