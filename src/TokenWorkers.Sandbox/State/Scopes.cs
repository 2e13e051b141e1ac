using System.Collections.Frozen;

namespace TokenWorkers.Sandbox.State;

/// <summary>The scope names LinkedIn knows; anything else is an unknown scope at the authorization endpoint.</summary>
internal static class Scopes
{
    public const string OpenId = "openid";
    public const string Profile = "profile";
    public const string Email = "email";
    public const string MemberSocial = "w_member_social";
    public const string OrganizationSocial = "w_organization_social";

    public static FrozenSet<string> Known { get; } = new[]
    {
        OpenId, Profile, Email, MemberSocial,
        OrganizationSocial, "r_organization_social", "rw_organization_admin", "r_organization_admin",
        "r_liteprofile", "r_emailaddress", "r_basicprofile",
        "r_ads", "rw_ads", "r_ads_reporting", "r_1st_connections_size",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Splits a scope parameter on spaces (the documented form) and commas (what responses use).</summary>
    public static string[] Parse(string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? []
            : value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Distinct(StringComparer.Ordinal)
                .ToArray();

    /// <summary>Token responses and introspection carry scopes comma-joined, as real responses do.</summary>
    public static string Format(IEnumerable<string> scopes) => string.Join(',', scopes);
}
