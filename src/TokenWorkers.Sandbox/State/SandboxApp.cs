namespace TokenWorkers.Sandbox;

/// <summary>A LinkedIn developer application registered in the sandbox.</summary>
/// <param name="ClientId">The app's client id ("API key").</param>
/// <param name="ClientSecret">The app's client secret; sandbox values are fake by construction.</param>
/// <param name="ProgrammaticRefresh">
/// Whether the app is enabled for programmatic refresh (LinkedIn grants this to approved partners):
/// only such apps receive <c>refresh_token</c> fields and may use the refresh grant.
/// </param>
/// <param name="RedirectUris">Registered redirect URLs; the authorization request must match one exactly.</param>
/// <param name="AllowedScopes">Scopes the app's products allow.</param>
public sealed record SandboxApp(
    string ClientId,
    string ClientSecret,
    bool ProgrammaticRefresh,
    IReadOnlyList<string> RedirectUris,
    IReadOnlyList<string> AllowedScopes)
{
    /// <summary>What an app gets when its settings name no scopes: sign-in with OpenID Connect and Share on LinkedIn.</summary>
    public static IReadOnlyList<string> DefaultScopes { get; } = ["openid", "profile", "email", "w_member_social"];
}

/// <summary>A LinkedIn member who can authorize apps in the sandbox.</summary>
/// <param name="Sub">The member id as <c>/v2/userinfo</c> reports it (about 10 URL-safe characters); the author URN is <c>urn:li:person:{Sub}</c>.</param>
/// <param name="Name">Full name.</param>
/// <param name="GivenName">First name.</param>
/// <param name="FamilyName">Last name.</param>
/// <param name="Email">Primary email, served only with the <c>email</c> scope.</param>
/// <param name="Country">Locale country, e.g. <c>US</c>.</param>
/// <param name="Language">Locale language, e.g. <c>en</c>.</param>
public sealed record SandboxMember(
    string Sub,
    string Name,
    string GivenName,
    string FamilyName,
    string? Email,
    string Country = "US",
    string Language = "en")
{
    /// <summary>The member's author URN for posts.</summary>
    public string PersonUrn => "urn:li:person:" + Sub;
}
