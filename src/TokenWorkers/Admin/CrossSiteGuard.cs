namespace TokenWorkers.Admin;

/// <summary>
/// Refuses a state-changing admin request that a browser says comes from another site. Browsers attach cached HTTP Basic
/// credentials (and cookies) to a form posted from any site, which is why Basic is accepted for safe methods only; this
/// check is the second wall: whatever credentials a cross-site write carries, it changes nothing.
/// </summary>
internal static class CrossSiteGuard
{
    /// <summary>Why the request is refused, or null. Safe methods are never refused: they change nothing.</summary>
    public static string? Refusal(HttpRequest request)
    {
        if (IsSafe(request.Method))
        {
            return null;
        }

        // Sent by every current browser; "none" is a request the user typed or bookmarked, not one a page made.
        if (request.Headers["Sec-Fetch-Site"] is { Count: > 0 } site && site[0] is not ("same-origin" or "none"))
        {
            return $"The request came from another site (Sec-Fetch-Site: {site[0]}).";
        }

        if (request.Headers.Origin is { Count: > 0 } origin && !SameOrigin(origin[0], request))
        {
            return "The request came from another origin.";
        }

        return null;
    }

    public static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    private static bool SameOrigin(string? origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) &&
        string.Equals(uri.GetLeftPart(UriPartial.Authority), $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
}
