using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenWorkers.Admin;
using TokenWorkers.Connections;
using TokenWorkers.Runtime;

namespace TokenWorkers.Connect;

public static partial class ConnectEndpoints
{
    /// <summary>The connect flow's services, when <c>Connect:Enabled</c> is true; before AddRefresh, so events carry its links.</summary>
    public static IServiceCollection AddConnectFlow(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ConnectOptions>(ConnectOptions.SectionName);
        services.AddSingleton<IValidateOptions<ConnectOptions>, ConnectOptionsValidator>();
        if (!IsEnabled(configuration))
        {
            return services;
        }

        services.TryAddSingleton<ConnectState>();
        services.TryAddSingleton<ConnectLinks>();
        services.TryAddSingleton<IReconnectLinks>(sp => sp.GetRequiredService<ConnectLinks>());
        services.TryAddScoped<ConnectSessionIssuer>();
        services.TryAddScoped<ConnectFlow>();
        return services;
    }

    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetSection(ConnectOptions.SectionName).GetValue<bool>(nameof(ConnectOptions.Enabled));

    public static WebApplication MapConnectEndpoints(this WebApplication app)
    {
        if (!IsEnabled(app.Configuration))
        {
            return app;
        }

        // Minted by the product's backend with a key holding the connect scope; behind the admin gate like every /admin route.
        if (AdminEndpoints.IsEnabled(app.Configuration))
        {
            app.MapPost($"{AdminEndpoints.Prefix}/connect-sessions", MintAsync).RequireScope(AdminScopes.Connect);
        }
        else
        {
            LogNoSessions(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConnectEndpoints).FullName!));
        }

        app.MapGet("/connect/linkedin", async (HttpContext http, ConnectFlow flow, IOptions<ConnectOptions> options, CancellationToken cancellationToken) =>
        {
            var query = http.Request.Query;
            var (redirect, browser, problem) = await flow.StartAsync(
                new ConnectStart(query["session"], query["reconnect"], query["connectionId"], query["tenantId"], query["returnUrl"]), cancellationToken);
            if (redirect is null)
            {
                return Page(HttpStatusCode.BadRequest, "Cannot connect", problem!);
            }

            http.Response.Cookies.Append(BrowserCookie, browser!, CookieFor(http, options.Value));
            return Results.Redirect(redirect.AbsoluteUri);
        });
        app.MapGet("/connect/linkedin/callback", async (HttpContext http, ConnectFlow flow, IOptions<ConnectOptions> options, CancellationToken cancellationToken) =>
        {
            var query = http.Request.Query;
            var outcome = await flow.CompleteAsync(
                query["code"], query["state"], http.Request.Cookies[BrowserCookie], query["error"], query["error_description"], cancellationToken);
            if (outcome.Request is not null)
            {
                // The state is spent either way; the cookie has nothing left to prove.
                http.Response.Cookies.Delete(BrowserCookie, CookieFor(http, options.Value));
            }

            if (outcome.Problem is not null)
            {
                return Page(outcome.LinkedInUnavailable ? HttpStatusCode.BadGateway : HttpStatusCode.BadRequest, "LinkedIn was not connected", outcome.Problem);
            }

            if (outcome.Request!.ReturnUrl is { } back)
            {
                var separator = string.IsNullOrEmpty(back.Query) ? "?" : "&";
                return Results.Redirect($"{back.AbsoluteUri}{separator}connectionId={Uri.EscapeDataString(outcome.Request.ConnectionId)}&status=connected");
            }

            return Page(HttpStatusCode.OK, "LinkedIn connected",
                $"Connection {outcome.Request.ConnectionId} is connected. TokenWorkers keeps it alive from here; you can close this page.");
        });
        return app;
    }

    private static async Task<IResult> MintAsync(
        ConnectSessionRequest request, HttpContext http, ConnectSessionIssuer issuer, CancellationToken cancellationToken)
    {
        var caller = AdminGate.CallerOf(http)!;
        AdminGate.AuditTarget(http, request.ConnectionId);
        var (session, status, problem) = await issuer.MintAsync(request, caller.Name, cancellationToken);
        return session is null
            ? Results.Problem(statusCode: status, title: "No connect session was created.", detail: problem)
            : Results.Json(session, statusCode: status);
    }

    [LoggerMessage(EventId = 707, Level = LogLevel.Warning,
        Message = "The connect flow is on but the admin API is off: no connect session can be minted, so only reconnects work (set Admin:Enabled and give the product's backend a key with the connect scope)")]
    private static partial void LogNoSessions(ILogger logger);

    // Binds a flow to the browser that started it: SameSite=Lax still travels on LinkedIn's top-level redirect back to us.
    private const string BrowserCookie = "tw_connect";

    private static CookieOptions CookieFor(HttpContext http, ConnectOptions options) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = http.Request.IsHttps || options.CallbackUri.Scheme == Uri.UriSchemeHttps,
        Path = "/connect/linkedin",
        MaxAge = options.StateLifetime,
    };

    private static IResult Page(HttpStatusCode status, string title, string message) => Results.Content(
        $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>{{WebUtility.HtmlEncode(title)}}</title>
        <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}</style></head>
        <body><h1>{{WebUtility.HtmlEncode(title)}}</h1><p>{{WebUtility.HtmlEncode(message)}}</p></body></html>
        """, "text/html; charset=utf-8", statusCode: (int)status);
}
