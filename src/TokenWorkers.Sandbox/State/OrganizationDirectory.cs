using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace TokenWorkers.Sandbox.State;

/// <summary>
/// Company Pages and members' roles on them, as LinkedIn's organization access control keeps them
/// (docs/linkedin-api.md §9.2–9.3): one row per page, member and role, each with a state.
/// </summary>
internal sealed class OrganizationDirectory
{
    /// <summary>The role values LinkedIn's ACL API knows (§9.2).</summary>
    public static readonly FrozenSet<string> Roles = new[]
    {
        "ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER", "CONTENT_ADMINISTRATOR", "RECRUITING_POSTER",
        "LEAD_CAPTURE_ADMINISTRATOR", "LEAD_GEN_FORMS_MANAGER", "ANALYST", "CURATOR",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The roles the sandbox lets post for a page: §9.2's client rule. RECRUITING_POSTER is listed only on the legacy UGC page
    /// and unconfirmed for 2026 (Open question 19), so the sandbox does not let it post.
    /// </summary>
    public static readonly FrozenSet<string> PostingRoles = new[]
    {
        "ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER", "CONTENT_ADMINISTRATOR",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Role states (§9.2); only APPROVED grants anything.</summary>
    public static readonly FrozenSet<string> States = new[] { "APPROVED", "REQUESTED", "REJECTED", "REVOKED" }.ToFrozenSet(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<long, SandboxOrganization> _organizations = new();
    private readonly ConcurrentDictionary<(long Organization, string MemberSub, string Role), SandboxOrganizationRole> _roles = new();

    public SandboxOrganization Put(SandboxOrganization organization) => _organizations[organization.Id] = organization;

    public SandboxOrganization? Find(long id) => _organizations.TryGetValue(id, out var organization) ? organization : null;

    public IReadOnlyList<SandboxOrganization> All => [.. _organizations.Values.OrderBy(o => o.Id)];

    /// <summary>Gives (or changes the state of) one role; <c>created</c> stays that of the first assignment.</summary>
    public SandboxOrganizationRole SetRole(long organization, string memberSub, string role, string state, DateTimeOffset now) =>
        _roles.AddOrUpdate(
            (organization, memberSub, role),
            _ => new SandboxOrganizationRole(SandboxOrganization.UrnOf(organization), memberSub, role, state, now, now),
            (_, existing) => existing with { State = state, LastModified = now });

    /// <summary>Removes one role; false when the member did not have it.</summary>
    public bool RemoveRole(long organization, string memberSub, string role) => _roles.TryRemove((organization, memberSub, role), out _);

    /// <summary>Every role row of <paramref name="memberSub"/>, by page then role.</summary>
    public IReadOnlyList<SandboxOrganizationRole> RolesOf(string memberSub) =>
        [.. _roles.Values.Where(r => r.MemberSub == memberSub).OrderBy(r => r.Organization, StringComparer.Ordinal).ThenBy(r => r.Role, StringComparer.Ordinal)];

    public IReadOnlyList<SandboxOrganizationRole> RolesOn(long organization) =>
        [.. _roles.Values.Where(r => r.Organization == SandboxOrganization.UrnOf(organization)).OrderBy(r => r.MemberSub, StringComparer.Ordinal).ThenBy(r => r.Role, StringComparer.Ordinal)];

    /// <summary>Whether <paramref name="memberSub"/> holds a posting role on <paramref name="organizationUrn"/>, APPROVED.</summary>
    public bool MayPost(string memberSub, string organizationUrn) =>
        _roles.Values.Any(r => r.MemberSub == memberSub && r.Organization == organizationUrn && r.State == "APPROVED" && PostingRoles.Contains(r.Role));
}
