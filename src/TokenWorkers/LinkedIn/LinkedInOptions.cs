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

    /// <summary>
    /// The application's Client ID: the app named <c>default</c>. Required unless <see cref="Apps"/> names the apps
    /// (one of which may be <c>default</c>, then leave this empty).
    /// </summary>
    public string ClientId { get; set; } = "";

    /// <summary>
    /// The application's Client Secret, from the environment (<c>LinkedIn__ClientSecret</c>), never from committed
    /// settings; or leave it empty and set <see cref="ClientSecretFile"/>.
    /// </summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>A file holding the Client Secret (a mounted secret such as <c>/run/secrets/linkedin_client_secret</c>); surrounding whitespace is ignored.</summary>
    public string? ClientSecretFile { get; set; }

    /// <summary>
    /// Several LinkedIn applications by name (<c>LinkedIn:Apps:{name}:ClientId</c>, ...). Connections name their app; those that
    /// name none belong to <c>default</c>, which <see cref="ClientId"/> and <see cref="ClientSecret"/> configure when set.
    /// </summary>
    public Dictionary<string, LinkedInAppOptions> Apps { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Hosts besides LinkedIn's own upload hosts (<c>www.linkedin.com</c>, <c>api.linkedin.com</c>) and <see cref="ApiBaseUrl"/>'s host that
    /// image bytes may be PUT to, over https on the default port. The access token goes with each upload, so keep this to hosts LinkedIn
    /// actually hands out upload URLs on; empty by default.
    /// </summary>
    public IList<string> ImageUploadHosts { get; init; } = [];

    /// <summary>How long one HTTP call to LinkedIn may take before it counts as a transient failure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
