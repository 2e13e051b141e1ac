namespace TokenWorkers.Sandbox;

/// <summary>The LinkedIn endpoints the sandbox serves; faults, latency and the record are per endpoint.</summary>
public enum SandboxEndpoint
{
    /// <summary><c>GET /oauth/v2/authorization</c></summary>
    Authorization,

    /// <summary><c>POST /oauth/v2/accessToken</c></summary>
    AccessToken,

    /// <summary><c>POST /oauth/v2/introspectToken</c></summary>
    IntrospectToken,

    /// <summary><c>POST /oauth/v2/revoke</c></summary>
    Revoke,

    /// <summary><c>GET /v2/userinfo</c></summary>
    Userinfo,

    /// <summary><c>POST /v2/ugcPosts</c></summary>
    UgcPosts,

    /// <summary><c>POST /rest/posts</c></summary>
    Posts,

    /// <summary><c>DELETE /v2/ugcPosts/{encoded urn}</c></summary>
    DeleteUgcPost,

    /// <summary><c>DELETE /rest/posts/{encoded urn}</c></summary>
    DeletePost,

    /// <summary><c>GET /v2/organizationAcls?q=roleAssignee</c></summary>
    OrganizationAcls,

    /// <summary><c>GET /rest/organizationAcls?q=roleAssignee</c></summary>
    RestOrganizationAcls,

    /// <summary><c>GET /v2/me</c> (lite profile)</summary>
    Me,

    /// <summary><c>GET /v2/organizations/{id}</c></summary>
    Organization,

    /// <summary><c>GET /rest/organizations/{id}</c></summary>
    RestOrganization,

    /// <summary><c>POST /rest/images?action=initializeUpload</c></summary>
    InitializeImageUpload,

    /// <summary><c>PUT /dms-uploads/{id}/uploaded-image/0</c>: the bytes of an image registered with the Images API.</summary>
    ImageUpload,

    /// <summary><c>GET /rest/images/{encoded urn}</c></summary>
    Image,

    /// <summary><c>POST /v2/assets?action=registerUpload</c></summary>
    RegisterAssetUpload,

    /// <summary><c>PUT</c> or <c>POST /mediaUpload/{id}/feedshare-uploadedImage/0</c>: the bytes of an asset registered with the Assets API.</summary>
    AssetUpload,

    /// <summary><c>GET /v2/assets/{id}</c></summary>
    Asset,
}

internal static class SandboxEndpoints
{
    public static readonly SandboxEndpoint[] All = Enum.GetValues<SandboxEndpoint>();

    /// <summary>The camelCase name used in JSON, query strings and settings keys.</summary>
    public static string Name(this SandboxEndpoint endpoint) => endpoint switch
    {
        SandboxEndpoint.Authorization => "authorization",
        SandboxEndpoint.AccessToken => "accessToken",
        SandboxEndpoint.IntrospectToken => "introspectToken",
        SandboxEndpoint.Revoke => "revoke",
        SandboxEndpoint.Userinfo => "userinfo",
        SandboxEndpoint.UgcPosts => "ugcPosts",
        SandboxEndpoint.Posts => "posts",
        SandboxEndpoint.DeleteUgcPost => "deleteUgcPost",
        SandboxEndpoint.DeletePost => "deletePost",
        SandboxEndpoint.OrganizationAcls => "organizationAcls",
        SandboxEndpoint.RestOrganizationAcls => "restOrganizationAcls",
        SandboxEndpoint.Me => "me",
        SandboxEndpoint.Organization => "organization",
        SandboxEndpoint.RestOrganization => "restOrganization",
        SandboxEndpoint.InitializeImageUpload => "initializeImageUpload",
        SandboxEndpoint.ImageUpload => "imageUpload",
        SandboxEndpoint.Image => "image",
        SandboxEndpoint.RegisterAssetUpload => "registerAssetUpload",
        SandboxEndpoint.AssetUpload => "assetUpload",
        SandboxEndpoint.Asset => "asset",
        _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null),
    };

    public static bool TryParse(string? value, out SandboxEndpoint endpoint)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), value, StringComparison.OrdinalIgnoreCase))
            {
                endpoint = candidate;
                return true;
            }
        }

        endpoint = default;
        return false;
    }

    public static bool IsOauth(this SandboxEndpoint endpoint) => endpoint <= SandboxEndpoint.Revoke;
}
