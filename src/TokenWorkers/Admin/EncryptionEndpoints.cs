using TokenWorkers.Telemetry;

namespace TokenWorkers.Admin;

/// <summary>
/// Key rotation under <c>/admin/encryption</c>: which keys the stored tokens are under, and the re-encryption sweep that
/// moves them all under the active key (docs/key-rotation.md). Behind the admin key like every admin route.
/// </summary>
internal static class EncryptionEndpoints
{
    public static RouteGroupBuilder MapEncryptionEndpoints(this RouteGroupBuilder admin)
    {
        admin.MapGet("/encryption", async (KeyUsageMonitor keys, CancellationToken cancellationToken) =>
            Results.Ok(KeyUsageView.Of(await keys.RefreshAsync(cancellationToken))));
        admin.MapPost("/encryption/reencrypt", async (ConnectionReencryptor reencryptor, CancellationToken cancellationToken) =>
            Results.Ok(ReencryptionView.Of(await reencryptor.RunAsync(cancellationToken)))).RequireScope(AdminScopes.Operate);
        return admin;
    }
}

/// <summary>The body of <c>GET /admin/encryption</c>.</summary>
public sealed record KeyUsageView(string ActiveKeyId, IReadOnlyDictionary<string, long> ConnectionsByKeyId, long UnderOtherKeys, long Unreadable)
{
    public static KeyUsageView Of(Connections.KeyUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return new KeyUsageView(usage.ActiveKeyId, usage.ConnectionsByKeyId, usage.UnderOtherKeys, usage.Unreadable);
    }
}

/// <summary>The body of <c>POST /admin/encryption/reencrypt</c>.</summary>
public sealed record ReencryptionView(
    string ActiveKeyId, int Examined, int Reencrypted, IReadOnlyList<UnreadableView> Unreadable, IReadOnlyDictionary<string, long> ConnectionsByKeyId)
{
    public static ReencryptionView Of(ReencryptionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new ReencryptionView(
            report.After.ActiveKeyId, report.Examined, report.Reencrypted, [.. report.Unreadable.Select(UnreadableView.Of)], report.After.ConnectionsByKeyId);
    }
}
