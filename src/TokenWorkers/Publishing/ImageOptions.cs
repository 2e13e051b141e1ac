using System.ComponentModel.DataAnnotations;

namespace TokenWorkers.Publishing;

/// <summary>How the worker takes a post's images and hands them to LinkedIn (section <c>Publishing:Images</c>); see docs/images.md.</summary>
public sealed class ImageOptions : IValidatableObject
{
    public const string SectionName = "Publishing:Images";

    /// <summary>
    /// The hosts an image URL may name (exact host names or IP addresses, no scheme, no port, no wildcard). Empty (the default)
    /// refuses every URL: images then come only from the message-data repository. No other host is ever asked for anything.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>
    /// The largest image accepted, in bytes, from either source (checked from Content-Length and while reading). LinkedIn
    /// documents no byte limit for images, only a pixel count; 10 MiB keeps a 20-image post within 200 MiB of memory.
    /// </summary>
    [Range(1024, 200L * 1024 * 1024)]
    public long MaxBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>How long fetching one image URL may take, headers and body together.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan FetchTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an attempt waits for LinkedIn to report an uploaded image AVAILABLE before it gives the post back for a later
    /// attempt (which polls again and uploads nothing twice).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan ReadyWithin { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The pause between two reads of an image's processing state.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollEvery { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The one wait after uploading when the token may not read the image's state (member tokens on <c>/rest/images</c>):
    /// LinkedIn gives no signal, so the post is created after this pause (Postiz waits 10 s the same way).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan UnreadableWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var host in AllowedHosts)
        {
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host) == UriHostNameType.Unknown || host.Contains('*', StringComparison.Ordinal))
            {
                yield return new ValidationResult(
                    $"{SectionName}:AllowedHosts: \"{host}\" is not a host name or IP address (no scheme, port, path or wildcard).", [nameof(AllowedHosts)]);
            }
        }
    }

    /// <summary>Whether <paramref name="url"/>'s host is listed (case-insensitive, exact).</summary>
    public bool Allows(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return AllowedHosts.Any(h => string.Equals(h.Trim().Trim('[', ']'), url.IdnHost.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));
    }
}
