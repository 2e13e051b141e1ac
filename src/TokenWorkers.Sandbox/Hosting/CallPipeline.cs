using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using TokenWorkers.Sandbox.Api;
using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Oauth;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Hosting;

internal delegate ValueTask<IResult> SandboxHandler(HttpContext http, CallRecord call);

/// <summary>
/// Wraps every LinkedIn endpoint: latency, injected faults, a last-resort 500 without a stack
/// trace, and the request record. Latency and delays are real time on purpose: the sandbox clock
/// may be a fake that never moves.
/// </summary>
internal sealed class CallPipeline(
    FaultInjector faults, RuntimeKnobs knobs, RequestLog record, SandboxClock clock, IHostApplicationLifetime lifetime, ILogger<CallPipeline> logger)
{
    public RequestDelegate Wrap(SandboxEndpoint endpoint, SandboxHandler handler) => http => HandleAsync(endpoint, handler, http);

    private async Task HandleAsync(SandboxEndpoint endpoint, SandboxHandler handler, HttpContext http)
    {
        var arrivedAt = clock.UtcNow;
        var call = new CallRecord(endpoint);
        var latency = knobs.LatencyOf(endpoint);
        var fault = faults.Take(endpoint);
        var delay = latency + (fault?.Kind == SandboxFaultKind.Delay ? fault.Duration : TimeSpan.Zero);

        // Waits ignore the caller hanging up: like a real server, the sandbox still does the work
        // of a call whose client timed out, and a test can see that it did. The body is taken in
        // first because an aborted connection no longer yields it.
        if (delay > TimeSpan.Zero)
        {
            await BufferBodyAsync(http);
            await Task.Delay(delay, lifetime.ApplicationStopping);
        }

        var result = fault?.Kind switch
        {
            SandboxFaultKind.InternalServerError or SandboxFaultKind.ServiceUnavailable or SandboxFaultKind.TooManyRequests
                => FaultResponse(endpoint, fault.Kind, call),
            _ => null,
        };
        result ??= await RunAsync(endpoint, handler, http, call);
        if (fault?.Kind == SandboxFaultKind.GatewayTimeoutAfterProcessing)
        {
            // The work is done (the post exists); the caller only learns that the gateway gave up.
            result = FaultResponse(endpoint, fault.Kind, call);
        }

        // Recorded before answering: once a client holds a response, the record already shows the call.
        var status = StatusOf(result);
        record.Append(new SandboxRequest(
            record.NextSequence(), arrivedAt, endpoint, call.GrantType, call.ClientId, call.MemberSub, call.GrantId,
            call.TokenFingerprint, call.IssuedTokenFingerprint, status, call.Outcome, fault?.Name, call.PostUrn,
            clock.UtcNow, http.Request.Host.HasValue ? http.Request.Host.Value : null));
        if (knobs.Settings.LogRequests)
        {
            Log.Handled(logger, endpoint.Name(), status, call.Outcome, call.GrantId, call.TokenFingerprint, fault?.Name);
        }

        if (!endpoint.IsOauth() && endpoint != SandboxEndpoint.Authorization)
        {
            // LinkedIn's API answers carry a request id, which its support asks for (docs/linkedin-api.md §4.6).
            http.Response.Headers["x-li-request-id"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(10));
        }

        if (fault?.Kind == SandboxFaultKind.DropAfterProcessing)
        {
            // The work is done; the answer goes nowhere and the connection is cut, as when a
            // gateway or the network fails after LinkedIn processed the call.
            http.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
            await result.ExecuteAsync(http);
            http.Abort();
        }
        else if (!http.RequestAborted.IsCancellationRequested)
        {
            await result.ExecuteAsync(http);
        }
    }

    private static async Task BufferBodyAsync(HttpContext http)
    {
        if (http.Request.ContentLength is 0 || !(HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPut(http.Request.Method)))
        {
            return;
        }

        http.Request.EnableBuffering();
        try
        {
            await http.Request.Body.CopyToAsync(Stream.Null);
        }
        catch (IOException)
        {
            // An unreadable body is the handler's to report (400), not the pipeline's.
        }

        http.Request.Body.Position = 0;
    }

    private static int StatusOf(IResult result) => result switch
    {
        IStatusCodeHttpResult { StatusCode: { } status } => status,
        RedirectHttpResult { Permanent: true, PreserveMethod: true } => StatusCodes.Status308PermanentRedirect,
        RedirectHttpResult { Permanent: true } => StatusCodes.Status301MovedPermanently,
        RedirectHttpResult { PreserveMethod: true } => StatusCodes.Status307TemporaryRedirect,
        RedirectHttpResult => StatusCodes.Status302Found,
        _ => StatusCodes.Status200OK,
    };

    private async ValueTask<IResult> RunAsync(SandboxEndpoint endpoint, SandboxHandler handler, HttpContext http, CallRecord call)
    {
        try
        {
            return await handler(http, call);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.HandlerFailed(logger, ex, endpoint.Name());
            var failure = FaultResponse(endpoint, SandboxFaultKind.InternalServerError, call);
            call.Outcome = "server_error";
            return failure;
        }
    }

    private static IResult FaultResponse(SandboxEndpoint endpoint, SandboxFaultKind kind, CallRecord call)
    {
        var (status, oauthError, message) = kind switch
        {
            SandboxFaultKind.ServiceUnavailable => (503, "temporarily_unavailable", "Service Unavailable"),
            SandboxFaultKind.TooManyRequests => (429, "too_many_requests", "Resource level throttle limit for calls to this resource is reached."),
            SandboxFaultKind.GatewayTimeoutAfterProcessing => (504, "temporarily_unavailable", "Gateway Timeout"),
            _ => (500, "server_error", "Internal Server Error"),
        };
        call.Outcome = "fault";
        if (endpoint == SandboxEndpoint.Authorization)
        {
            return Results.Content($"<!DOCTYPE html><html><body><h1>{message}</h1></body></html>", "text/html; charset=utf-8", statusCode: status);
        }

        if (endpoint.IsOauth())
        {
            return Results.Json(new OauthError(oauthError, message), SandboxJson.Options, statusCode: status);
        }

        var body = status == 429
            ? new ApiError(status, 101, "TOO_MANY_REQUESTS", message)
            : new ApiError(status, null, null, message);
        return Results.Json(body, SandboxJson.Options, statusCode: status);
    }
}
