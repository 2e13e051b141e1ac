using System.Net;
using System.Net.Http.Headers;
using System.Text;
using TokenWorkers.Ports;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// The one way the LinkedIn clients put a prepared request on the wire: within <see cref="LinkedInOptions.RequestTimeout"/>,
/// the body read whole. Every answer, whatever its status, is a <see cref="LinkedInAnswered"/>; a call that got none is
/// <see cref="LinkedInNotSent"/> or <see cref="LinkedInUnanswered"/>, which each client maps by what a retry would risk.
/// The caller's own cancellation propagates as <see cref="OperationCanceledException"/>.
/// </summary>
/// <remarks>
/// The timeout is enforced here rather than by <see cref="HttpClient.Timeout"/> (the clients' HttpClients have none),
/// so that LinkedIn not answering in time is told apart from the caller giving up.
/// </remarks>
internal sealed class LinkedInSend(HttpClient http, TimeSpan timeout)
{
    public async Task<LinkedInReply> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            return new LinkedInAnswered(response.StatusCode, response.Headers, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new LinkedInUnanswered(null);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                                                  or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
        {
            return new LinkedInNotSent(ex);
        }
        catch (HttpRequestException ex)
        {
            return new LinkedInUnanswered(ex);
        }
    }
}

/// <summary>What one call to LinkedIn came to: <see cref="LinkedInAnswered"/>, <see cref="LinkedInNotSent"/> or <see cref="LinkedInUnanswered"/>.</summary>
internal abstract record LinkedInReply;

/// <summary>LinkedIn answered, with any status; <see cref="Body"/> is read whole.</summary>
internal sealed record LinkedInAnswered(HttpStatusCode Status, HttpResponseHeaders Headers, string Body) : LinkedInReply
{
    // The body may hold tokens (a grant): a printed answer shows its status only.
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Status = ").Append((int)Status);
        return true;
    }
}

/// <summary>
/// No connection was made (connection refused, name resolution, TLS, proxy tunnel), so nothing was sent and a retry
/// cannot repeat an effect. <see cref="Cause"/> names the host and the <see cref="HttpRequestError"/>, never the request.
/// </summary>
internal sealed record LinkedInNotSent(HttpRequestException Cause) : LinkedInReply;

/// <summary>
/// The request may have reached LinkedIn and no whole answer came back, so LinkedIn may have acted.
/// <see cref="Cause"/> is null when <see cref="LinkedInOptions.RequestTimeout"/> passed; otherwise the broken exchange.
/// </summary>
internal sealed record LinkedInUnanswered(HttpRequestException? Cause) : LinkedInReply;
