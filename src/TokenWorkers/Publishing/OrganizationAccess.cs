using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;

namespace TokenWorkers.Publishing;

/// <summary>
/// Whether a connection's member may post as an organization, decided before any post call (docs/linkedin-api.md §9.1–9.2):
/// the grant must hold <c>w_organization_social</c> (when the connection knows its scopes; older rows do not, and LinkedIn's
/// answer to the role lookup decides), and LinkedIn's organizationAcls must list the member with a posting role on that page,
/// APPROVED. The roles are cached per connection (<see cref="OrganizationRoleCache"/>).
/// </summary>
public sealed partial class OrganizationAccess(
    AccessTokenProvider tokens, ILinkedInApi linkedIn, OrganizationRoleCache cache, ILogger<OrganizationAccess> logger)
{
    public const string Scope = "w_organization_social";

    /// <summary>The roles that may post for a page: docs/linkedin-api.md §9.2's client rule, as the ACL API spells them.</summary>
    public static readonly IReadOnlyList<string> PostingRoles = ["ADMINISTRATOR", "DIRECT_SPONSORED_CONTENT_POSTER", "CONTENT_ADMINISTRATOR"];

    private const string Approved = "APPROVED";

    /// <summary>
    /// Null when <paramref name="member"/> may post as <paramref name="organization"/>; otherwise what to settle the post with:
    /// <see cref="PermissionMissing"/>, or the role lookup's own failure (401 after the one refresh, 5xx, 429, unanswered).
    /// The connection returned is the latest known (the lookup may have refreshed its token).
    /// </summary>
    public async Task<(ApiResult? Refusal, Connection Connection)> CheckAsync(
        Connection connection, string member, string organization, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.Scopes.Count > 0 && !connection.Scopes.Contains(Scope, StringComparer.Ordinal))
        {
            return (Refuse(connection, organization,
                $"The connection's grant lacks the {Scope} scope needed to post as {organization} (granted: {string.Join(", ", connection.Scopes)}); " +
                $"the member must connect again with {Scope} (the app needs LinkedIn's Community Management API product)."), connection);
        }

        var roles = cache.Find(connection.ConnectionId, member);
        if (roles is null)
        {
            (var answer, connection) = await tokens.CallAsync(connection, token => linkedIn.GetOrganizationRolesAsync(token, cancellationToken), cancellationToken);
            switch (answer)
            {
                case OrganizationRolesFound found:
                    roles = found.Roles;
                    cache.Put(connection.ConnectionId, member, roles);
                    break;
                case ApiRejected { Class: FailureClass.Permission } denied:
                    return (Refuse(connection, organization,
                        $"LinkedIn refused to list the member's page roles, needed to post as {organization} ({denied.Message}); " +
                        $"the grant lacks an organization scope such as {Scope}: the member must connect again with it."), connection);
                default:
                    return (answer, connection);
            }
        }

        var onPage = roles.Where(r => string.Equals(r.Organization, organization, StringComparison.Ordinal)).ToList();
        if (onPage.Any(r => r.State == Approved && PostingRoles.Contains(r.Role, StringComparer.Ordinal)))
        {
            return (null, connection);
        }

        var held = onPage.Count == 0 ? "none" : string.Join(", ", onPage.Select(r => $"{r.Role} ({r.State})"));
        return (Refuse(connection, organization,
            $"Member {member} has no role that may post for {organization}: it needs {string.Join(", ", PostingRoles.SkipLast(1))} or " +
            $"{PostingRoles[^1]}, APPROVED (roles held there: {held})."), connection);
    }

    private PermissionMissing Refuse(Connection connection, string organization, string reason)
    {
        LogRefused(logger, connection.ConnectionId, organization, reason);
        return new PermissionMissing(reason);
    }

    [LoggerMessage(EventId = 524, Level = LogLevel.Warning, Message = "Connection {ConnectionId} may not post as {Organization}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string connectionId, string organization, string reason);
}

/// <summary>Decided before any post call: the connection lacks what posting needs (a scope, a page role); <paramref name="Reason"/> names it.</summary>
public sealed record PermissionMissing(string Reason) : ApiResult;
