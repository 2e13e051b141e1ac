using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Proxy;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Admin;

/// <summary>
/// <c>/proxy/linkedin/{connectionId}/{path}</c>, any method: LinkedIn's API as the connection's member, for a key holding
/// the <c>proxy</c> scope and reaching the connection's tenant. The admin gate identifies the key (and audits every write);
/// this checks the raw path, the tenant and the body's size, then <see cref="LinkedInProxy"/> calls LinkedIn. LinkedIn's
/// answer comes back with its status, body, content type and request-id headers; the proxy's own refusals are problem
/// JSON with a <c>reason</c>.
/// </summary>
public static class ProxyEndpoints
{
    public const string Prefix = "/proxy";
    public const string Route = "/proxy/linkedin/{connectionId}/{**path}";

    public static WebApplication MapProxyEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Map(Route, ForwardAsync).RequireScope(AdminScopes.Proxy);
        return app;
    }

    private static async Task ForwardAsync(HttpContext http, string connectionId)
    {
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<ProxyOptions>>().CurrentValue;
        var caller = AdminGate.CallerOf(http)!;
        var (outcome, status, linkedInCalls, app) = await AnswerAsync(http, connectionId, caller, options);
        var metrics = http.RequestServices.GetRequiredService<TokenWorkersMetrics>();
        metrics.ProxyCalled(caller.Name, http.Request.Method, outcome, linkedInCalls, options.MetricsPerConnection ? connectionId : null, app);
        var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(LinkedInProxy).FullName!);
        Log.Proxied(logger, caller.Name, http.Request.Method, connectionId, outcome, status, linkedInCalls);
    }

    private static async Task<(string Outcome, int Status, int LinkedInCalls, string? App)> AnswerAsync(
        HttpContext http, string connectionId, AdminIdentity caller, ProxyOptions options)
    {
        if (!options.Enabled)
        {
            return await RefuseAsync(http, new ProxyRefused(StatusCodes.Status404NotFound, "proxy_disabled", "The proxy is off (Proxy:Enabled)."));
        }

        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        var (pathAndQuery, refusal) = ProxyTarget.Parse(rawTarget);
        if (pathAndQuery is null)
        {
            return await RefuseAsync(http, new ProxyRefused(StatusCodes.Status400BadRequest, "bad_path", refusal!));
        }

        Connection? connection;
        try
        {
            connection = await http.RequestServices.GetRequiredService<IConnectionStore>().FindAsync(connectionId, http.RequestAborted);
        }
        catch (UnreadableRowException)
        {
            return await RefuseAsync(http, new ProxyRefused(StatusCodes.Status409Conflict, "unreadable",
                $"The connection '{connectionId}' cannot be read (unknown key, tampered or malformed); see /admin/connections."));
        }

        // Another tenant's connection is answered as an unknown one: a key learns nothing of tenants it does not reach.
        if (connection is null || !caller.Reaches(connection.TenantId))
        {
            return await RefuseAsync(http, new ProxyRefused(StatusCodes.Status404NotFound, "not_found", $"No connection '{connectionId}' for this key."));
        }

        var (body, tooLarge) = await ReadBodyAsync(http.Request, options.MaxRequestBodyBytes);
        if (tooLarge)
        {
            return await RefuseAsync(http, new ProxyRefused(StatusCodes.Status413PayloadTooLarge, "request_too_large",
                $"The body is larger than Proxy:MaxRequestBodyBytes ({options.MaxRequestBodyBytes} bytes); nothing was sent to LinkedIn."), connection.App);
        }

        var call = new ProxyCall(http.Request.Method, pathAndQuery, ProxyHeaders.Pick(http.Request.Headers), body, http.Request.ContentType);
        var outcome = await http.RequestServices.GetRequiredService<LinkedInProxy>().ForwardAsync(connectionId, call, http.RequestAborted);
        if (outcome is ProxyRefused refused)
        {
            return await RefuseAsync(http, refused, connection.App);
        }

        var (answer, calls) = (ProxyAnswered)outcome;
        http.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            http.Response.Headers.Append(name, value);
        }

        if (answer.ContentType is { } contentType)
        {
            http.Response.ContentType = contentType;
        }

        if (!HttpMethods.IsHead(http.Request.Method) && answer.Body.Length > 0)
        {
            http.Response.ContentLength = answer.Body.Length;
            await http.Response.Body.WriteAsync(answer.Body, http.RequestAborted);
        }

        return (TokenWorkersMetrics.StatusClass(answer.Status), answer.Status, calls, connection.App);
    }

    /// <summary>Answers the refusal as problem JSON; <paramref name="app"/> is the connection's once it was found (for the metric).</summary>
    private static async Task<(string, int, int, string?)> RefuseAsync(HttpContext http, ProxyRefused refused, string? app = null)
    {
        await Results.Problem(
                statusCode: refused.Status,
                title: "The proxy did not pass the call on.",
                detail: refused.Detail,
                extensions: new Dictionary<string, object?> { ["reason"] = refused.Reason })
            .ExecuteAsync(http);
        return (refused.Reason, refused.Status, refused.Calls, app);
    }

    /// <summary>The body, read up to the limit; a declared or actual length beyond it is refused before anything is sent.</summary>
    private static async Task<(ReadOnlyMemory<byte>? Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, long limit)
    {
        if (request.ContentLength > limit)
        {
            return (null, true);
        }

        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0)
        {
            return (null, false);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return (null, true);
            }

            buffer.Write(chunk, 0, read);
        }

        return (buffer.ToArray(), false);
    }
}
