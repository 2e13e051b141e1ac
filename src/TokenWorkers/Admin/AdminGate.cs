using Microsoft.AspNetCore.Routing.Patterns;
using TokenWorkers.Runtime;

namespace TokenWorkers.Admin;

/// <summary>
/// The door of every <c>/admin</c> and <c>/proxy</c> route, as middleware so nothing (not even a body) is read before it: refuses writes a
/// browser marks as cross-site, identifies the caller by key, checks the route's scope, and audits every write a known key
/// makes, allowed or not (and every call of a route marked <see cref="AuditEveryCall"/>). Writes without a valid key are logged but not stored: an anonymous caller must not be able to
/// grow the store.
/// </summary>
public static partial class AdminGate
{
    public static WebApplication UseAdminGate(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (http, next) =>
        {
            if (!http.Request.Path.StartsWithSegments(AdminEndpoints.Prefix, StringComparison.OrdinalIgnoreCase)
                && !http.Request.Path.StartsWithSegments(ProxyEndpoints.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                await next(http);
                return;
            }

            await PassAsync(http, next);
        });
        return app;
    }

    /// <summary>Names what a write acted on when the route does not (an id in the body); the audit record carries it.</summary>
    public static void AuditTarget(HttpContext http, string? target)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Items[TargetKey] = target;
    }

    /// <summary>Adds a detail to the request's audit record (an import's counts); never a secret.</summary>
    public static void AuditDetail(HttpContext http, string? detail)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Items[DetailKey] = detail;
    }

    /// <summary>The caller of the current admin request; set once the gate has let it through.</summary>
    public static AdminIdentity? CallerOf(HttpContext http) => http?.Features.Get<AdminIdentity>();

    private static async Task PassAsync(HttpContext http, RequestDelegate next)
    {
        http.Response.Headers.CacheControl = "no-store";
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AdminGate).FullName!);
        var write = !CrossSiteGuard.IsSafe(http.Request.Method);
        var action = ActionOf(http);
        if (CrossSiteGuard.Refusal(http.Request) is { } crossSite)
        {
            LogUnauthenticatedWrite(logger, action, TargetOf(http), crossSite);
            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Cross-site requests cannot change anything.", detail: crossSite)
                .ExecuteAsync(http);
            return;
        }

        if (http.RequestServices.GetRequiredService<AdminKeyring>().Authenticate(http.Request) is not { } caller)
        {
            if (write)
            {
                LogUnauthenticatedWrite(logger, action, TargetOf(http), "no valid key");
            }

            http.Response.Headers.WWWAuthenticate = "Basic realm=\"TokenWorkers admin\", charset=\"UTF-8\"";
            await Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "An admin key is required.",
                detail: "Send it as X-Api-Key or as Authorization: Bearer; HTTP Basic (the key as password) opens pages but changes nothing.")
                .ExecuteAsync(http);
            return;
        }

        var auditor = http.RequestServices.GetRequiredService<Auditor>();
        var scope = http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>()?.Scope ?? (write ? AdminScopes.All : AdminScopes.Read);
        var audited = write || http.GetEndpoint()?.Metadata.GetMetadata<AuditEveryCall>() is not null;
        if (!caller.Allows(scope))
        {
            var detail = $"The key '{caller.Name}' does not hold the scope '{scope}'.";
            if (audited)
            {
                await auditor.RecordAsync(caller.Name, action, TargetOf(http), StatusCodes.Status403Forbidden, detail);
            }

            await Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "This key may not do that.", detail: detail).ExecuteAsync(http);
            return;
        }

        http.Features.Set(caller);
        if (!audited)
        {
            await next(http);
            return;
        }

        try
        {
            await next(http);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await auditor.RecordAsync(caller.Name, action, TargetOf(http), StatusCodes.Status500InternalServerError, ex.GetType().Name);
            throw;
        }

        await auditor.RecordAsync(caller.Name, action, TargetOf(http), http.Response.StatusCode, http.Items[DetailKey] as string);
    }

    // The route as declared ("POST /admin/connections/{connectionId}/refresh"): never the query string, which could carry
    // something a caller should not have put there.
    private static string ActionOf(HttpContext http) =>
        http.Request.Method + " " + ((http.GetEndpoint() as RouteEndpoint)?.RoutePattern is { } pattern ? Render(pattern) : http.Request.Path.Value);

    private static string Render(RoutePattern pattern) => "/" + (pattern.RawText ?? "").TrimStart('/');

    private static string? TargetOf(HttpContext http) =>
        http.GetRouteValue("connectionId") as string ?? http.GetRouteValue("postId") as string ?? http.Items[TargetKey] as string;

    private static readonly object TargetKey = new();
    private static readonly object DetailKey = new();

    [LoggerMessage(EventId = 734, Level = LogLevel.Warning, Message = "Admin write refused before identifying a key: {Action} on {Target}: {Reason}")]
    private static partial void LogUnauthenticatedWrite(ILogger logger, string action, string? target, string reason);
}
