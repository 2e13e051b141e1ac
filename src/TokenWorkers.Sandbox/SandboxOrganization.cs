using System.Globalization;

namespace TokenWorkers.Sandbox;

/// <summary>A Company Page in the sandbox.</summary>
/// <param name="Id">The numeric id; the author URN is <c>urn:li:organization:{Id}</c>.</param>
/// <param name="Name">The page's name (LinkedIn's <c>localizedName</c>).</param>
public sealed record SandboxOrganization(long Id, string Name)
{
    /// <summary>The page's URN, as posts name it in <c>author</c>.</summary>
    public string Urn => UrnOf(Id);

    internal static string UrnOf(long id) => "urn:li:organization:" + id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A member's role on a page, as an organizationAcls element.</summary>
/// <param name="Organization">The page's URN.</param>
/// <param name="MemberSub">The member; the element's <c>roleAssignee</c> is <c>urn:li:person:{MemberSub}</c>.</param>
/// <param name="Role">e.g. <c>ADMINISTRATOR</c>.</param>
/// <param name="State"><c>APPROVED</c>, <c>REQUESTED</c>, <c>REJECTED</c> or <c>REVOKED</c>.</param>
/// <param name="Created">The sandbox clock when the role was first given.</param>
/// <param name="LastModified">The sandbox clock when it last changed.</param>
public sealed record SandboxOrganizationRole(string Organization, string MemberSub, string Role, string State, DateTimeOffset Created, DateTimeOffset LastModified);
