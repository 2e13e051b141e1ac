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
    internal const string ClientSecretSetting = SectionName + ":" + nameof(ClientSecret);
    internal const string ClientSecretFileSetting = SectionName + ":" + nameof(ClientSecretFile);

    /// <summary>Base URL of LinkedIn's OAuth endpoints (<c>/oauth/v2/...</c>).</summary>
    [Required]
    public Uri OAuthBaseUrl { get; set; } = new("https://www.linkedin.com/");

    /// <summary>Base URL of LinkedIn's REST API (<c>/v2/...</c>, <c>/rest/...</c>).</summary>
    [Required]
    public Uri ApiBaseUrl { get; set; } = new("https://api.linkedin.com/");

    /// <summary>The application's Client ID.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ClientId { get; set; } = "";

    /// <summary>
    /// The application's Client Secret, from the environment (<c>LinkedIn__ClientSecret</c>), never from committed
    /// settings; or leave it empty and set <see cref="ClientSecretFile"/>.
    /// </summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>A file holding the Client Secret (a mounted secret such as <c>/run/secrets/linkedin_client_secret</c>); surrounding whitespace is ignored.</summary>
    public string? ClientSecretFile { get; set; }

    /// <summary>How long one HTTP call to LinkedIn may take before it counts as a transient failure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
