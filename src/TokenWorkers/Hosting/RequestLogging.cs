using TokenWorkers.Admin;

namespace TokenWorkers.Hosting;

/// <summary>
/// One line per HTTP request: method, route template, status, duration and, on admin routes, the key's name. The route
/// template and never the path or query string: a connect callback's query carries LinkedIn's code and the signed state,
/// and paths carry ids an operator can read from the route values when they need them.
/// </summary>
public static partial class RequestLogging
{
    /// <summary>Put first, so the line measures (and sees the answer of) everything after it, the admin gate included.</summary>
    public static WebApplication UseTokenWorkersRequestLogging(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RequestLogging).FullName!);
        var time = app.Services.GetRequiredService<TimeProvider>();
        app.Use(async (http, next) =>
        {
            var started = time.GetTimestamp();
            var failed = false;
            try
            {
                await next(http);
            }
            catch
            {
                failed = true;
                throw;
            }
            finally
            {
                Write(logger, http, time.GetElapsedTime(started), failed);
            }
        });
        return app;
    }

    private static void Write(ILogger logger, HttpContext http, TimeSpan elapsed, bool failed)
    {
        // An exception that escaped is answered 500 by the server after this middleware has returned.
        var status = failed ? StatusCodes.Status500InternalServerError : http.Response.StatusCode;
        var level = LevelOf(http, status);
        if (!logger.IsEnabled(level))
        {
            return;
        }

        var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText is { } raw ? "/" + raw.TrimStart('/') : "(no route)";
        var milliseconds = Math.Round(elapsed.TotalMilliseconds, 1);
        if (AdminGate.CallerOf(http) is { } caller)
        {
            LogAdminRequest(logger, level, http.Request.Method, route, status, milliseconds, caller.Name);
        }
        else
        {
            LogRequest(logger, level, http.Request.Method, route, status, milliseconds);
        }
    }

    // Probes call the health routes every few seconds; a line each would bury the requests people make.
    private static LogLevel LevelOf(HttpContext http, int status) =>
        status >= 500 ? LogLevel.Error
        : http.Request.Path.StartsWithSegments("/health", StringComparison.OrdinalIgnoreCase) ? LogLevel.Debug
        : LogLevel.Information;

    [LoggerMessage(EventId = 1500, Message = "HTTP {Method} {Route} answered {StatusCode} in {ElapsedMs} ms")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string route, int statusCode, double elapsedMs);

    [LoggerMessage(EventId = 1501, Message = "HTTP {Method} {Route} answered {StatusCode} in {ElapsedMs} ms for admin key {AdminKey}")]
    private static partial void LogAdminRequest(ILogger logger, LogLevel level, string method, string route, int statusCode, double elapsedMs, string adminKey);
}
