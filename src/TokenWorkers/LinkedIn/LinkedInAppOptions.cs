namespace TokenWorkers.LinkedIn;

/// <summary>
/// One LinkedIn application among several (<c>LinkedIn:Apps:{name}</c>). The secret comes from the environment
/// (<c>LinkedIn__Apps__{name}__ClientSecret</c>) or a file, never from committed settings.
/// </summary>
public sealed class LinkedInAppOptions
{
    /// <summary>The application's Client ID.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The application's Client Secret; or leave it empty and set <see cref="ClientSecretFile"/>.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>A file holding the Client Secret (a mounted secret); surrounding whitespace is ignored.</summary>
    public string? ClientSecretFile { get; set; }

    /// <summary>
    /// The redirect URL registered with this app, when it is not the worker's own <c>{Connect:PublicBaseUrl}/connect/linkedin/callback</c>
    /// (a proxy in front of the worker, say); it must still reach that callback.
    /// </summary>
    public Uri? RedirectUri { get; set; }

    /// <summary>The scopes the connect flow asks for with this app, space-separated; empty means <c>Connect:Scopes</c>.</summary>
    public string? Scopes { get; set; }

    /// <summary>
    /// Whether LinkedIn gives this app refresh tokens (programmatic refresh, Marketing Developer Platform). Apps without it
    /// ("Share on LinkedIn" self-serve apps) get none: their connections live until the access token ends.
    /// </summary>
    public bool ProgrammaticRefresh { get; set; } = true;
}
