using System.Globalization;
using static TokenWorkers.Sandbox.Control.ControlEndpoints;

namespace TokenWorkers.Sandbox.Control;

/// <summary><c>/_sandbox/organizations</c>: Company Pages and members' roles on them, which <c>organizationAcls</c> and page posts read.</summary>
internal static class OrganizationControlEndpoints
{
    public static void MapOrganizationControl(this RouteGroupBuilder api, SandboxControl control)
    {
        api.MapGet("/organizations", () => Json(control.Organizations));
        api.MapPost("/organizations", Guard(async http =>
        {
            var body = await ReadAsync<OrganizationSeed>(http);
            return Json(control.CreateOrganization(body.Id, body.Name), StatusCodes.Status201Created);
        }));
        api.MapGet("/organizations/{id}/roles", Guard(http => Task.FromResult(Json(control.OrganizationRoles(Id(http))))));
        api.MapPost("/organizations/{id}/roles", Guard(async http =>
        {
            var body = await ReadAsync<RoleAssignment>(http);
            return Json(control.AssignOrganizationRole(Id(http), Required(body.MemberSub, "memberSub"), body.Role ?? "ADMINISTRATOR", body.State ?? "APPROVED"));
        }));
        api.MapDelete("/organizations/{id}/roles/{memberSub}/{role}", Guard(http => Task.FromResult(
            control.RemoveOrganizationRole(Id(http), Route(http, "memberSub"), Route(http, "role"))
                ? Results.NoContent()
                : throw new KeyNotFoundException($"Member \"{Route(http, "memberSub")}\" has no role {Route(http, "role")} on organization {Id(http)}."))));
    }

    private static long Id(HttpContext http) =>
        long.TryParse(Route(http, "id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? id
            : throw new ArgumentException("The organization id must be a positive number.");
}

internal sealed record OrganizationSeed(long? Id, string? Name);

internal sealed record RoleAssignment(string? MemberSub, string? Role, string? State);
