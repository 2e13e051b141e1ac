using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Proxy;
using TokenWorkers.Publishing;

namespace TokenWorkers.Admin;

/// <summary>
/// <c>GET /admin/connections/{connectionId}/access-token</c>: a connection's fresh access token, for a team that must call
/// LinkedIn directly. Off unless <c>Proxy:TokenVending:Enabled</c>; needs the <c>access-token</c> scope, which no key holds
/// unless it names it; reaches only the key's tenants; every call is audited, refusals included; never cached.
/// </summary>
public static class TokenVendingEndpoints
{
    public static RouteGroupBuilder MapTokenVending(this RouteGroupBuilder admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        admin.MapGet("/connections/{connectionId}/access-token", VendAsync).RequireScope(AdminScopes.AccessToken).AuditEveryCall();
        return admin;
    }

    private static async Task<IResult> VendAsync(
        HttpContext http, string connectionId, IOptionsMonitor<ProxyOptions> options, IConnectionStore store, AccessTokenProvider tokens,
        ILogger<TokenVendingOptions> logger, CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        var caller = AdminGate.CallerOf(http)!;
        // Read on every call: vending can be switched off while the worker runs.
        if (!options.CurrentValue.TokenVending.Enabled)
        {
            return Refuse(http, StatusCodes.Status403Forbidden, "token_vending_disabled", "Token vending is off (Proxy:TokenVending:Enabled).");
        }

        // A browser sends cached Basic credentials on its own; a token is handed only to a caller that sent its key itself.
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var authorization)
            && authorization.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return Refuse(http, StatusCodes.Status403Forbidden, "key_header_required", "Send the key as X-Api-Key or Authorization: Bearer, not HTTP Basic.");
        }

        if (await store.FindAsync(connectionId, cancellationToken) is not { } found || !caller.Reaches(found.TenantId))
        {
            return Refuse(http, StatusCodes.Status404NotFound, "not_found", $"No connection '{connectionId}' for this key.");
        }

        var connection = await tokens.GetFreshAsync(connectionId, cancellationToken);
        if (connection is not { Status: ConnectionStatus.Active, AccessToken: { } token })
        {
            return Refuse(http, StatusCodes.Status409Conflict, "reauth_required",
                $"The connection '{connectionId}' has no usable access token; the member must log in again.");
        }

        AdminGate.AuditDetail(http, $"access token {token.Fingerprint} handed out");
        Log.TokenVended(logger, connectionId, caller.Name, token.Fingerprint, connection.AccessTokenExpiresAt);
        return Results.Ok(new VendedToken(connectionId, token.Reveal(), connection.AccessTokenExpiresAt, connection.Scopes));
    }

    private static IResult Refuse(HttpContext http, int status, string reason, string detail)
    {
        AdminGate.AuditDetail(http, reason);
        return Results.Problem(statusCode: status, title: "No token was handed out.", detail: detail,
            extensions: new Dictionary<string, object?> { ["reason"] = reason });
    }

    /// <summary>The token and what a caller needs to use it; the refresh token never leaves the worker.</summary>
    public sealed record VendedToken(string ConnectionId, string AccessToken, DateTimeOffset? ExpiresAt, IReadOnlyList<string> Scopes);
}
