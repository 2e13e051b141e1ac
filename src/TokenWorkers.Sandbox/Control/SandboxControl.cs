using TokenWorkers.Sandbox.Api;
using TokenWorkers.Sandbox.Oauth;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox;

/// <summary>
/// Everything a test or a demo may do to the sandbox besides calling LinkedIn's endpoints: the
/// in-process twin of the <c>/_sandbox/...</c> HTTP surface. Thread-safe. The work lives in the parts it delegates
/// to, so this class stays the one list of what may be done.
/// </summary>
public sealed class SandboxControl
{
    private readonly Registrations _registrations;
    private readonly Control.GrantControl _grants;
    private readonly Control.FaultInjector _faults;
    private readonly RuntimeKnobs _knobs;
    private readonly Control.RequestLog _requests;
    private readonly PostStore _posts;
    private readonly OrganizationDirectory _organizations;
    private readonly SandboxClock _clock;
    private readonly ConsentScreen _consent;
    private readonly ImageStore _images;

    internal SandboxControl(
        Registrations registrations,
        Control.GrantControl grants,
        Control.FaultInjector faults,
        RuntimeKnobs knobs,
        Control.RequestLog requests,
        PostStore posts,
        OrganizationDirectory organizations,
        SandboxClock clock,
        ConsentScreen consent,
        ImageStore images)
    {
        _registrations = registrations;
        _grants = grants;
        _faults = faults;
        _knobs = knobs;
        _requests = requests;
        _posts = posts;
        _organizations = organizations;
        _clock = clock;
        _consent = consent;
        _images = images;
    }

    /// <summary>The sandbox clock's current time.</summary>
    public DateTimeOffset Now => _clock.UtcNow;

    /// <summary>True when the sandbox owns its clock (no <see cref="TimeProvider"/> was injected), so <see cref="AdvanceClock"/> works.</summary>
    public bool OwnsClock => _clock.IsOwned;

    /// <summary>Moves the sandbox's own clock forward; throws when the host injected a <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset AdvanceClock(TimeSpan by) => _clock.Advance(by);

    public IReadOnlyList<SandboxApp> Apps => _registrations.Apps;

    public IReadOnlyList<SandboxMember> Members => _registrations.Members;

    /// <summary>Registers an app, replacing one with the same client id.</summary>
    public SandboxApp CreateApp(SandboxApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        SandboxSettingsValidator.ThrowIfInvalid(app);
        _registrations.Put(app);
        return app;
    }

    /// <summary>Registers an app, replacing one with the same client id. No scopes given means <see cref="SandboxApp.DefaultScopes"/>.</summary>
    public SandboxApp CreateApp(
        string clientId,
        string clientSecret,
        bool programmaticRefresh = true,
        IEnumerable<string>? redirectUris = null,
        IEnumerable<string>? allowedScopes = null)
    {
        var scopes = allowedScopes?.ToArray() ?? [];
        return CreateApp(new SandboxApp(clientId, clientSecret, programmaticRefresh, [.. redirectUris ?? []], scopes.Length == 0 ? SandboxApp.DefaultScopes : scopes));
    }

    /// <summary>Registers a member, replacing one with the same sub.</summary>
    public SandboxMember CreateMember(SandboxMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        SandboxSettingsValidator.ThrowIfInvalid(member);
        _registrations.Put(member);
        return member;
    }

    /// <summary>Registers a member; a missing sub is generated (10 URL-safe characters, as LinkedIn's are).</summary>
    public SandboxMember CreateMember(string? sub = null, string? name = null, string? email = null) =>
        CreateMember(SandboxMembers.New(sub, name, email));

    public IReadOnlyList<SandboxOrganization> Organizations => _organizations.All;

    /// <summary>Registers a Company Page, replacing one with the same id; a missing id is generated (LinkedIn's are numeric).</summary>
    public SandboxOrganization CreateOrganization(long? id = null, string? name = null)
    {
        var organizationId = id ?? Random.Shared.NextInt64(10_000_000, 100_000_000);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(organizationId, nameof(id));
        return _organizations.Put(new SandboxOrganization(organizationId, string.IsNullOrWhiteSpace(name) ? "Page " + organizationId : name.Trim()));
    }

    /// <summary>
    /// Gives <paramref name="memberSub"/> <paramref name="role"/> on the page in <paramref name="state"/> (or changes that role's
    /// state). Roles and states are LinkedIn's (<c>ADMINISTRATOR</c>, <c>CONTENT_ADMINISTRATOR</c>, …; <c>APPROVED</c>, <c>REQUESTED</c>, …).
    /// </summary>
    public SandboxOrganizationRole AssignOrganizationRole(long organizationId, string memberSub, string role = "ADMINISTRATOR", string state = "APPROVED")
    {
        _ = _organizations.Find(organizationId) ?? throw new KeyNotFoundException($"No organization has id {organizationId}.");
        _ = _registrations.FindMember(memberSub) ?? throw new KeyNotFoundException($"No member has sub \"{memberSub}\".");
        if (!OrganizationDirectory.Roles.Contains(role))
        {
            throw new ArgumentException($"role must be one of {string.Join(", ", OrganizationDirectory.Roles.Order(StringComparer.Ordinal))}.", nameof(role));
        }

        if (!OrganizationDirectory.States.Contains(state))
        {
            throw new ArgumentException($"state must be one of {string.Join(", ", OrganizationDirectory.States.Order(StringComparer.Ordinal))}.", nameof(state));
        }

        return _organizations.SetRole(organizationId, memberSub, role, state, _clock.UtcNow);
    }

    /// <summary>Takes the role away; false when the member did not have it.</summary>
    public bool RemoveOrganizationRole(long organizationId, string memberSub, string role) => _organizations.RemoveRole(organizationId, memberSub, role);

    /// <summary>Every role on the page.</summary>
    public IReadOnlyList<SandboxOrganizationRole> OrganizationRoles(long organizationId) => _organizations.RolesOn(organizationId);

    /// <summary>Creates a grant as if the member had consented and the app had exchanged the code just now.</summary>
    public SeededGrant SeedGrant(string clientId, string memberSub, params IEnumerable<string> scopes) =>
        _grants.Seed(clientId, memberSub, scopes);

    public IReadOnlyList<SandboxGrant> Grants => _grants.All;

    public SandboxGrant? FindGrant(string grantId) => _grants.Find(grantId);

    /// <summary>LinkedIn revokes the grant: its access and refresh tokens stop working.</summary>
    public void RevokeGrant(string grantId) => _grants.Revoke(grantId);

    /// <summary>The member removes the app in their privacy settings: every grant of that member to that app is revoked. Returns how many.</summary>
    public int RevokeApp(string memberSub, string clientId) => _grants.RevokeApp(memberSub, clientId);

    /// <summary>Makes the grant's tokens expire now, as if its year had run out.</summary>
    public void ExpireGrant(string grantId) => _grants.Expire(grantId);

    /// <summary>The next refresh (of this grant, or of any grant when null) returns a new refresh token value; the old one stops working.</summary>
    public void RotateNextRefreshToken(string? grantId = null) => _grants.RotateNextRefreshToken(grantId);

    /// <summary>The next refresh (of this grant, or of any grant when null) answers without <c>refresh_token</c> fields.</summary>
    public void OmitNextRefreshToken(string? grantId = null) => _grants.OmitNextRefreshToken(grantId);

    /// <summary>The next <paramref name="count"/> calls to <paramref name="endpoint"/> suffer <paramref name="fault"/>.</summary>
    public void InjectFault(SandboxEndpoint endpoint, SandboxFault fault, int count = 1) => _faults.Inject(endpoint, fault, count);

    public void ClearFaults() => _faults.Clear();

    /// <summary>Faults still queued, by endpoint name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> PendingFaults => _faults.Pending;

    /// <summary>Adds a fixed real-time latency to every call of one endpoint, or (null) to all endpoints without their own.</summary>
    public void SetLatency(TimeSpan latency, SandboxEndpoint? endpoint = null) => _knobs.SetLatency(latency, endpoint);

    /// <summary>Current latency per endpoint name.</summary>
    public IReadOnlyDictionary<string, TimeSpan> Latencies => _knobs.Latencies;

    /// <summary>How long an access token keeps working after a refresh replaced it.</summary>
    public void SetOldAccessTokenGrace(TimeSpan grace)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(grace, TimeSpan.Zero);
        _knobs.OldAccessTokenGrace = grace;
    }

    /// <summary>Switches the error code for invalid, expired or revoked refresh tokens.</summary>
    public void SetRefreshTokenError(RefreshTokenError error) => _knobs.RefreshTokenError = error;

    /// <summary>Who signs in at the authorization endpoint (null keeps the current member) and whether they consent or deny.</summary>
    public void SetAuthorization(AuthorizationDecision decision, string? memberSub = null)
    {
        if (memberSub is not null && _registrations.FindMember(memberSub) is null)
        {
            throw new KeyNotFoundException($"No member has sub \"{memberSub}\".");
        }

        _consent.Set(decision, memberSub);
    }

    public AuthorizationDecision AuthorizationDecision => _consent.Current.Decision;

    /// <summary>The member who signs in at the authorization endpoint.</summary>
    public string? AuthorizingMember => _registrations.FindMember(_consent.Current.Member)?.Sub ?? _registrations.FirstMember?.Sub;

    /// <summary>Every recorded request, oldest first.</summary>
    public IReadOnlyList<SandboxRequest> Requests => _requests.Snapshot();

    public void ResetRequests() => _requests.Reset();

    /// <summary>Every post created, oldest first.</summary>
    public IReadOnlyList<SandboxPost> Posts => _posts.All;

    /// <summary>Every image upload registered (both APIs), oldest first, each in its state on the sandbox clock now.</summary>
    public IReadOnlyList<SandboxImage> Images => _images.All;

    /// <summary>How long an uploaded image stays <c>PROCESSING</c> on the sandbox clock (zero: available at once).</summary>
    public TimeSpan ImageProcessingDelay => _knobs.ImageProcessingDelay;

    /// <summary>Sets how long uploads made from now on stay <c>PROCESSING</c>.</summary>
    public void SetImageProcessingDelay(TimeSpan delay) => _knobs.ImageProcessingDelay = delay;

    /// <summary>The next <paramref name="count"/> uploads of good images end <c>PROCESSING_FAILED</c> with <paramref name="reason"/>.</summary>
    public void FailNextImageProcessing(int count = 1, string reason = "The image could not be processed")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        _images.FailNext(count, reason);
    }
}
