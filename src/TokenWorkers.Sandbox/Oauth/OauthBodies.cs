using System.Text.Json.Serialization;

namespace TokenWorkers.Sandbox.Oauth;

/// <summary>LinkedIn's token-endpoint response. <c>grant_id</c> is the sandbox's addition for seeded grants only.</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] long ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken,
    [property: JsonPropertyName("refresh_token_expires_in")] long? RefreshTokenExpiresIn,
    [property: JsonPropertyName("scope")] string Scope,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("id_token")] string? IdToken,
    [property: JsonPropertyName("grant_id")] string? GrantId);

/// <summary>LinkedIn's OAuth error body; every failure of the OAuth endpoints has this shape.</summary>
internal sealed record OauthError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string ErrorDescription);

/// <summary>The introspection response; times are epoch seconds in the sandbox's clock.</summary>
internal sealed record IntrospectionResponse(
    [property: JsonPropertyName("active")] bool Active,
    [property: JsonPropertyName("status")] string? Status = null,
    [property: JsonPropertyName("scope")] string? Scope = null,
    [property: JsonPropertyName("client_id")] string? ClientId = null,
    [property: JsonPropertyName("created_at")] long? CreatedAt = null,
    [property: JsonPropertyName("expires_at")] long? ExpiresAt = null,
    [property: JsonPropertyName("authorized_at")] long? AuthorizedAt = null,
    [property: JsonPropertyName("auth_type")] string? AuthType = null);
