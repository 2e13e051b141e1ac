namespace TokenWorkers.LinkedIn;

/// <summary>
/// Where image bytes, and the bearer token with them, may go: https to LinkedIn's upload hosts (<c>www.linkedin.com</c> for the
/// Images API, <c>api.linkedin.com</c> for the Assets API, docs/linkedin-api.md §10.3) or to a host in
/// <see cref="LinkedInOptions.ImageUploadHosts"/>, on the default port; or exactly the scheme, host and port of
/// <see cref="LinkedInOptions.ApiBaseUrl"/> (the sandbox, which serves its upload URLs itself). Anything else is refused unsent.
/// </summary>
internal sealed class UploadUrlPolicy(Uri apiBaseUrl, IEnumerable<string> extraHosts)
{
    private static readonly string[] LinkedInHosts = ["www.linkedin.com", "api.linkedin.com"];

    private readonly HashSet<string> _hosts = new(LinkedInHosts.Concat(extraHosts), StringComparer.OrdinalIgnoreCase);

    /// <summary>Null when <paramref name="url"/> may be sent to; otherwise why not, naming only its scheme and host (the URL's query is a credential).</summary>
    public string? Refusal(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || url.UserInfo.Length > 0)
        {
            return "Refused to upload the image to a URL that is not absolute or carries user information";
        }

        var sameAsApi = string.Equals(url.Scheme, apiBaseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
                        && string.Equals(url.IdnHost, apiBaseUrl.IdnHost, StringComparison.OrdinalIgnoreCase)
                        && url.Port == apiBaseUrl.Port;
        var linkedInHost = url.Scheme == Uri.UriSchemeHttps && url.IsDefaultPort && _hosts.Contains(url.IdnHost);
        return sameAsApi || linkedInHost
            ? null
            : $"Refused to upload the image to {url.Scheme}://{url.IdnHost}:{url.Port}: the token goes with the upload, so only https to " +
              $"{string.Join(", ", _hosts.Order(StringComparer.Ordinal))} (LinkedIn:ImageUploadHosts) or the API host {apiBaseUrl.IdnHost} is allowed";
    }
}
