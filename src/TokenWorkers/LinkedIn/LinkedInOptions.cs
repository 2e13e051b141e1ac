using System.ComponentModel.DataAnnotations;
using TokenWorkers.Ports;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// The LinkedIn application this worker acts for, and where LinkedIn lives. Pointing the worker at
/// the real LinkedIn is a matter of these settings; the defaults are LinkedIn's production hosts.
/// </summary>
public sealed class LinkedInOptions
{
    public const string SectionName = "LinkedIn";

    /// <summary>Base URL of LinkedIn's OAuth endpoints (<c>/oauth/v2/...</c>).</summary>
    [Required]
    public Uri OAuthBaseUrl { get; set; } = new("https://www.linkedin.com/");

    /// <summary>Base URL of LinkedIn's REST API (<c>/v2/...</c>, <c>/rest/...</c>).</summary>
    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://api.linkedin.com/");

    /// <summary>The application's Client ID.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ClientId { get; set; } = "";

    /// <summary>The application's Client Secret. Supply it from the environment (<c>LinkedIn__ClientSecret</c>) or a secrets file, never from committed settings.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ClientSecret { get; set; } = "";

    /// <summary>How long one HTTP call to LinkedIn may take before it counts as a transient failure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
