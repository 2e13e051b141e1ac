using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Ports;

namespace TokenWorkers.Connect;

/// <summary>The body of <c>POST /admin/connect-sessions</c>.</summary>
/// <param name="App">
/// The LinkedIn app the member authorizes (a name under <c>LinkedIn:Apps</c>, or <c>default</c>); absent means the app the
/// connection already belongs to, or <c>default</c> for a new connection.
/// </param>
public sealed record ConnectSessionRequest(string? ConnectionId, string? TenantId, string? ReturnUrl, string? App = null);

/// <summary>A minted session: the link to hand to the member (once), and until when it works.</summary>
public sealed record MintedConnectSession(Uri Url, DateTimeOffset ExpiresAt, string ConnectionId, string TenantId, string App);

/// <summary>
/// Mints and redeems connect sessions. The link's secret is 32 random bytes; the store keeps its SHA-256 only, so neither
/// the store nor its backups hold a usable link. Redeeming is one conditional write in the store: once, across instances.
/// </summary>
public sealed class ConnectSessionIssuer(
    IConnectSessions sessions, IConnectionStore connections, ILinkedInApps apps, IOptions<ConnectOptions> options, TimeProvider time)
{
    // Expired sessions are kept this long before they are deleted, so a late click still reads "expired", not "unknown".
    private static readonly TimeSpan KeepExpired = TimeSpan.FromDays(1);

    public async Task<(MintedConnectSession? Session, int Status, string? Problem)> MintAsync(
        ConnectSessionRequest request, string createdBy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ConnectRequestRules.CheckIds(request.ConnectionId, request.TenantId) is { } idProblem)
        {
            return (null, StatusCodes.Status400BadRequest, idProblem);
        }

        if (request.App is { } named && apps.Find(named) is null)
        {
            return (null, StatusCodes.Status400BadRequest,
                $"app: no LinkedIn app named '{named}' is configured; this worker has {string.Join(", ", apps.Names.Order(StringComparer.Ordinal))}.");
        }

        var (returnUrl, returnProblem) = ConnectRequestRules.CheckReturnUrl(request.ReturnUrl, options.Value);
        if (returnProblem is not null)
        {
            return (null, StatusCodes.Status400BadRequest, returnProblem);
        }

        var existing = await connections.FindAsync(request.ConnectionId!, cancellationToken);
        if (existing is not null && existing.TenantId != request.TenantId)
        {
            return (null, StatusCodes.Status409Conflict, "The connection exists under another tenant.");
        }

        var app = request.App ?? existing?.App ?? Connection.DefaultApp;

        var secret = ConnectState.Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = time.GetUtcNow();
        var session = new ConnectSession(
            IdOf(secret), request.ConnectionId!, request.TenantId!, returnUrl, now, now + options.Value.SessionLifetime, createdBy, App: app);
        if (!await sessions.TryAddAsync(session, cancellationToken))
        {
            throw new InvalidOperationException("A fresh 256-bit session id collided with a stored one.");
        }

        await sessions.DeleteExpiredAsync(now - KeepExpired, cancellationToken);
        var url = new Uri(options.Value.PublicBaseUrl!, $"connect/linkedin?session={secret}");
        return (new MintedConnectSession(url, session.ExpiresAt, session.ConnectionId, session.TenantId, session.App), StatusCodes.Status201Created, null);
    }

    /// <summary>The session the link names, now spent, or why it cannot start a flow (unknown, used, expired).</summary>
    public async Task<(ConnectSession? Session, string? Problem)> RedeemAsync(string secret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var id = IdOf(secret);
        var now = time.GetUtcNow();
        if (await sessions.TryRedeemAsync(id, now, cancellationToken) is { } redeemed)
        {
            return (redeemed, null);
        }

        return await sessions.FindAsync(id, cancellationToken) switch
        {
            null => (null, "This sign-in link is not valid. Start again from the page that sent you here."),
            { RedeemedAt: not null } => (null, "This sign-in link was already used. Start again from the page that sent you here."),
            _ => (null, "This sign-in link has expired. Start again from the page that sent you here."),
        };
    }

    private static string IdOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret)));
}

/// <summary>What every way into the flow checks the same way.</summary>
internal static class ConnectRequestRules
{
    public const int MaxIdLength = 200;

    public static string? CheckIds(string? connectionId, string? tenantId) =>
        string.IsNullOrWhiteSpace(connectionId) || connectionId.Length > MaxIdLength || string.IsNullOrWhiteSpace(tenantId) || tenantId.Length > MaxIdLength
            ? "connectionId and tenantId are required (at most 200 characters each)."
            : null;

    public static (Uri? Url, string? Problem) CheckReturnUrl(string? returnUrl, ConnectOptions options)
    {
        if (string.IsNullOrEmpty(returnUrl))
        {
            return (null, null);
        }

        return Uri.TryCreate(returnUrl, UriKind.Absolute, out var back) &&
               options.AllowedReturnOrigins.Any(o => string.Equals(o.TrimEnd('/'), back.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
            ? (back, null)
            : (null, "returnUrl is not on an allowed origin (Connect:AllowedReturnOrigins).");
    }
}
