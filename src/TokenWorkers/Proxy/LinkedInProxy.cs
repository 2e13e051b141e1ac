using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;
using TokenWorkers.Publishing;

namespace TokenWorkers.Proxy;

/// <summary>A caller's call for LinkedIn, checked and read: the method, the path and query under the API base, the headers to pass, the body.</summary>
public sealed record ProxyCall(string Method, string PathAndQuery, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte>? Body, string? ContentType)
{
    /// <summary>GET, HEAD and OPTIONS change nothing at LinkedIn, so only they are made again after a 401 and a refresh.</summary>
    public bool IsSafe => HttpMethods.IsGet(Method) || HttpMethods.IsHead(Method) || HttpMethods.IsOptions(Method);
}

/// <summary>What a proxied call came to: LinkedIn's answer, or the proxy's own refusal with a machine-readable reason.</summary>
public abstract record ProxyOutcome;

/// <summary>LinkedIn answered (any status); <paramref name="Calls"/> is how many calls were made to LinkedIn (2 after a 401 and a refresh).</summary>
public sealed record ProxyAnswered(PassThroughAnswered Answer, int Calls) : ProxyOutcome;

/// <summary>The proxy answers itself: <paramref name="Reason"/> is stable (<c>reauth_required</c>, <c>response_too_large</c>, ...).</summary>
public sealed record ProxyRefused(int Status, string Reason, string Detail, int Calls = 0) : ProxyOutcome;

/// <summary>
/// Passes a call to LinkedIn as a connection's member through the worker's one token path (<see cref="AccessTokenProvider"/>):
/// a token about to expire is refreshed first under the refresh lease; a 401 gets one refresh, and a safe call is made once
/// more. A connection whose member must log in again is answered 409 <c>reauth_required</c>.
/// </summary>
public sealed class LinkedInProxy(AccessTokenProvider tokens, ILinkedInPassThrough linkedIn, IOptions<ProxyOptions> options)
{
    public async Task<ProxyOutcome> ForwardAsync(string connectionId, ProxyCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var connection = await tokens.GetFreshAsync(connectionId, cancellationToken);
        if (Unusable(connection, connectionId) is { } refused)
        {
            return refused;
        }

        var request = new PassThroughRequest(call.Method, call.PathAndQuery, call.Headers, call.Body, call.ContentType, options.Value.MaxResponseBodyBytes);
        PassThroughAnswered? last = null;
        var calls = 0;
        async Task<ApiResult> SendAsync(SecretToken token)
        {
            calls++;
            var result = await linkedIn.SendAsync(request, token, cancellationToken);
            if (result is PassThroughAnswered answered)
            {
                last = answered;
                if (answered.Status == StatusCodes.Status401Unauthorized)
                {
                    return new ApiRejected(FailureClass.Reauth, answered.Status, answered.ErrorCode, "LinkedIn answered 401 to a proxied call");
                }
            }

            return result;
        }

        var (outcome, after) = await tokens.CallAsync(connection!, SendAsync, cancellationToken, callAgain: call.IsSafe);
        return outcome switch
        {
            ApiRejected { Class: FailureClass.Reauth } when Unusable(after, connectionId) is { } dead => dead with { Calls = calls },
            // Still active: the refresh failed for now (or the call was not safe to repeat): LinkedIn's 401 as it was.
            ApiRejected { Class: FailureClass.Reauth } => new ProxyAnswered(last!, calls),
            PassThroughAnswered answered => new ProxyAnswered(answered, calls),
            PassThroughTooLarge large => new ProxyRefused(StatusCodes.Status502BadGateway, "response_too_large",
                $"LinkedIn answered {large.Status} with more than Proxy:MaxResponseBodyBytes ({large.Limit} bytes); nothing of it is passed back.", calls),
            PassThroughFailed { Sent: false } failed => new ProxyRefused(StatusCodes.Status502BadGateway, "linkedin_unreachable",
                $"The call did not reach LinkedIn: {failed.Reason}.", calls),
            PassThroughFailed failed => new ProxyRefused(StatusCodes.Status504GatewayTimeout, "linkedin_no_answer",
                $"The call was sent and no whole answer came back: {failed.Reason}. LinkedIn may have acted on it.", calls),
            _ => throw new InvalidOperationException($"Unexpected answer to a proxied call: {outcome.GetType().Name}"),
        };
    }

    private static ProxyRefused? Unusable(Connection? connection, string connectionId) => connection switch
    {
        null => new ProxyRefused(StatusCodes.Status404NotFound, "not_found", $"No connection '{connectionId}'."),
        { Status: ConnectionStatus.Disconnected } => new ProxyRefused(StatusCodes.Status409Conflict, "disconnected",
            $"The connection '{connectionId}' is disconnected; the member must connect again."),
        { Status: ConnectionStatus.ReauthRequired } or { AccessToken: null } => new ProxyRefused(StatusCodes.Status409Conflict, "reauth_required",
            $"LinkedIn no longer accepts the connection '{connectionId}'; the member must log in again."),
        _ => null,
    };
}
