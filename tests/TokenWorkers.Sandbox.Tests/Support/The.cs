namespace TokenWorkers.Sandbox.Tests.Support;

/// <summary>Fixed, readable test data.</summary>
internal static class The
{
    public static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    public const string ClientId = "test-app";
    public const string ClientSecret = "test-secret-not-real";
    public const string RedirectUri = "http://127.0.0.1:5070/connect/linkedin/callback";

    public const string BasicClientId = "basic-app";
    public const string BasicClientSecret = "basic-secret-not-real";

    public const string OtherClientId = "other-app";
    public const string OtherClientSecret = "other-secret-not-real";

    public const string MemberSub = "Mem8er_x1Q";
    public const string MemberName = "Ada Lovelace";
    public const string MemberEmail = "ada@example.com";
    public const string OtherMemberSub = "Oth3r-Mbr9";

    public const string AllScopes = "openid profile email w_member_social";

    public const long SixtyDays = 60 * 86_400;
    public const long OneYear = 365 * 86_400;

    public static string PersonUrn => "urn:li:person:" + MemberSub;

    public static SandboxSettings Settings() => new()
    {
        Apps =
        {
            new SandboxAppSettings { ClientId = ClientId, ClientSecret = ClientSecret, ProgrammaticRefresh = true, RedirectUris = { RedirectUri } },
            new SandboxAppSettings { ClientId = BasicClientId, ClientSecret = BasicClientSecret, ProgrammaticRefresh = false, RedirectUris = { RedirectUri } },
            new SandboxAppSettings
            {
                ClientId = OtherClientId, ClientSecret = OtherClientSecret, RedirectUris = { RedirectUri }, AllowedScopes = { "openid", "profile" },
            },
        },
        Members =
        {
            new SandboxMemberSettings { Sub = MemberSub, Name = MemberName, Email = MemberEmail },
            new SandboxMemberSettings { Sub = OtherMemberSub, Name = "Grace Hopper", Email = "grace@example.com" },
        },
    };
}
