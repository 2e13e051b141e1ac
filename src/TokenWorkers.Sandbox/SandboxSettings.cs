using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox;

/// <summary>
/// Everything the sandbox can be told at start, bound from the <c>Sandbox</c> configuration section
/// when it runs standalone, or passed to <see cref="LinkedInSandbox.StartAsync"/> in-process.
/// Defaults follow LinkedIn's documented numbers.
/// </summary>
public sealed class SandboxSettings
{
    /// <summary>The configuration section the standalone sandbox binds.</summary>
    public const string SectionName = "Sandbox";

    /// <summary>
    /// Where Kestrel listens when hosted in-process (default <c>http://127.0.0.1:0</c>, a free port).
    /// Standalone, <c>--urls</c> decides.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>Apps registered at start.</summary>
    public IList<SandboxAppSettings> Apps { get; init; } = [];

    /// <summary>Members registered at start.</summary>
    public IList<SandboxMemberSettings> Members { get; init; } = [];

    /// <summary>The member who signs in and consents at the authorization endpoint; the first member when empty.</summary>
    public string? AuthorizingMember { get; set; }

    /// <summary>Lifetime of authorization codes (LinkedIn: 30 minutes).</summary>
    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Lifetime of access tokens (LinkedIn: 60 days), capped by what the refresh token has left.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromDays(60);

    /// <summary>Lifetime of refresh tokens from the first grant (LinkedIn: 365 days); refreshing never extends it.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How long an access token keeps working after a refresh replaced it (LinkedIn: undocumented; default none).</summary>
    public TimeSpan OldAccessTokenGrace { get; set; } = TimeSpan.Zero;

    /// <summary>How long a new access token is refused as revoked after issue, reproducing LinkedIn's propagation delay (default none).</summary>
    public TimeSpan NewAccessTokenActivationDelay { get; set; } = TimeSpan.Zero;

    /// <summary>When true every refresh returns a new refresh token value (the old one dies); LinkedIn's documented default returns the same value.</summary>
    public bool RotateRefreshTokens { get; set; }

    /// <summary>The error code for an invalid, expired or revoked refresh token: LinkedIn's documented <c>invalid_request</c> or RFC 6749's <c>invalid_grant</c>.</summary>
    public RefreshTokenError RefreshTokenError { get; set; } = RefreshTokenError.InvalidRequest;

    /// <summary>Identical text from the same author within this window is a DUPLICATE_POST (default 24 hours).</summary>
    public TimeSpan DuplicatePostWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Longest post text, in Unicode code points (default 3,000).</summary>
    public int MaxPostLength { get; set; } = 3000;

    /// <summary>
    /// Whether <c>/rest</c> serves only the versions LinkedIn would today (released, and not sunset a year later, see
    /// Api/ApiVersions); false serves every well-formed version, for runs that move the clock by years.
    /// </summary>
    public bool VersionLifecycle { get; set; } = true;

    /// <summary>
    /// How long an uploaded image stays <c>PROCESSING</c> on the sandbox clock before it is <c>AVAILABLE</c> (or
    /// <c>PROCESSING_FAILED</c>); zero makes it available at once. LinkedIn documents no figure (default 2 s).
    /// </summary>
    public TimeSpan ImageProcessingDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long an image's upload URL takes bytes after registration (<c>uploadUrlExpiresAt</c>). LinkedIn documents no figure;
    /// the sandbox's default is 1 hour.
    /// </summary>
    public TimeSpan ImageUploadUrlLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// What a post whose image is not yet <c>AVAILABLE</c> gets: <c>Reject</c> (400, the default) or <c>AcceptHidden</c>
    /// (201, and the post is stored hidden, as posts made before processing finished were reported never to show).
    /// LinkedIn's behaviour is not settled (docs/linkedin-api.md, Open question 24).
    /// </summary>
    public UnavailableImagePosts UnavailableImagePosts { get; set; } = UnavailableImagePosts.Reject;

    /// <summary>Posts one member may create through one app per UTC day (Share on LinkedIn: 150).</summary>
    public int MemberDailyPostLimit { get; set; } = 150;

    /// <summary>API calls one app may make per UTC day across its members (Share on LinkedIn: 100,000).</summary>
    public int ApplicationDailyCallLimit { get; set; } = 100_000;

    /// <summary>Fixed real-time latency added to every LinkedIn call.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>Per-endpoint latency overriding <see cref="Latency"/>, keyed by endpoint name (e.g. <c>accessToken</c>).</summary>
    public IDictionary<string, TimeSpan> EndpointLatency { get; init; } = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many requests the record keeps; the oldest go first.</summary>
    public int MaxRecordedRequests { get; set; } = 1_000_000;

    /// <summary>Log one line per request (off by default: the sandbox must serve thousands of requests per second).</summary>
    public bool LogRequests { get; set; }
}

/// <summary>An app registered at start; see <see cref="SandboxApp"/>.</summary>
public sealed class SandboxAppSettings
{
    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    public bool ProgrammaticRefresh { get; set; } = true;

    public IList<string> RedirectUris { get; init; } = [];

    /// <summary>Empty means <see cref="SandboxApp.DefaultScopes"/>.</summary>
    public IList<string> AllowedScopes { get; init; } = [];

    internal SandboxApp ToApp() => new(
        ClientId,
        ClientSecret,
        ProgrammaticRefresh,
        [.. RedirectUris],
        AllowedScopes.Count == 0 ? SandboxApp.DefaultScopes : [.. AllowedScopes]);
}

/// <summary>A member registered at start; see <see cref="SandboxMember"/>.</summary>
public sealed class SandboxMemberSettings
{
    public string Sub { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Defaults to the first word of <see cref="Name"/>.</summary>
    public string? GivenName { get; set; }

    /// <summary>Defaults to the rest of <see cref="Name"/>.</summary>
    public string? FamilyName { get; set; }

    public string? Email { get; set; }

    public string Country { get; set; } = "US";

    public string Language { get; set; } = "en";

    internal SandboxMember ToMember() => SandboxMembers.New(Sub, Name, Email, GivenName, FamilyName, Country, Language);
}

/// <summary>What the sandbox does with a post whose image has not finished processing.</summary>
public enum UnavailableImagePosts
{
    /// <summary>400, naming the image and its state.</summary>
    Reject,

    /// <summary>201, and the post is kept with <see cref="SandboxPost.Hidden"/> set.</summary>
    AcceptHidden,
}

/// <summary>Which error code an invalid, expired or revoked refresh token gets.</summary>
public enum RefreshTokenError
{
    /// <summary>LinkedIn's documented form: 400 <c>invalid_request</c>.</summary>
    InvalidRequest,

    /// <summary>RFC 6749's form: 400 <c>invalid_grant</c>.</summary>
    InvalidGrant,
}
