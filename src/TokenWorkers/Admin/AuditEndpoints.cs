using TokenWorkers.Ports;

namespace TokenWorkers.Admin;

/// <summary><c>GET /admin/audit</c>: the audit trail, newest first, filtered by target or key name, paged by id.</summary>
internal static class AuditEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/audit", async (string? before, string? target, string? actor, int? limit, IAuditTrail trail, CancellationToken cancellationToken) =>
        {
            var size = Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);
            var records = await trail.ListAsync(new AuditQuery(size, Empty(before), Empty(target), Empty(actor)), cancellationToken);
            return Results.Ok(new AuditPage(records, records.Count == size ? records[^1].Id : null));
        });
        return admin;
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>The body of <c>GET /admin/audit</c>; <paramref name="Before"/> pages to older records.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Records, string? Before);
