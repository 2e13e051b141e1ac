using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Ports;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// Passes a proxied call to LinkedIn's API base with the connection's access token, and reads the answer up to a limit.
/// The URL is built by appending the checked relative path to the base, never by resolving it (a relative reference can
/// name another host), and is refused unless it is still under the base. The token sent is removed from anything passed
/// back, should LinkedIn ever echo it.
/// </summary>
public sealed class LinkedInPassThroughClient(HttpClient http, IOptions<LinkedInOptions> linkedIn, TimeProvider time) : ILinkedInPassThrough
{
    /// <summary>LinkedIn's answer headers a caller may see: request ids (LinkedIn asks for them when reporting a problem), a created entity's id, rate limits.</summary>
    public static readonly IReadOnlyList<string> PassedBackHeaders =
        ["x-li-request-id", "x-li-uuid", "x-restli-id", "x-restli-protocol-version", "retry-after"];

    /// <summary>Rate-limit headers are not documented by LinkedIn; if it ever sends them (<c>x-ratelimit-*</c>), they pass.</summary>
    public const string RateLimitHeaderPrefix = "x-ratelimit-";

    private static readonly byte[] Redacted = "[redacted]"u8.ToArray();
    private readonly LinkedInOptions _linkedIn = linkedIn.Value;

    public async Task<ApiResult> SendAsync(PassThroughRequest request, SecretToken accessToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(accessToken);
        if (TargetOf(_linkedIn.ApiBaseUrl, request.PathAndQuery) is not { } target)
        {
            return new PassThroughFailed(false, "the path does not stay under LinkedIn's API base");
        }

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (request.Body is { } body)
        {
            message.Content = new ReadOnlyMemoryContent(body);
            if (request.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var parsed))
            {
                message.Content.Headers.ContentType = parsed;
            }
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken.Reveal());

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_linkedIn.RequestTimeout);
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            if (response.Content.Headers.ContentLength > request.MaxResponseBytes)
            {
                return new PassThroughTooLarge(status, request.MaxResponseBytes);
            }

            var read = await ReadBoundedAsync(response.Content, request.MaxResponseBytes, deadline.Token);
            if (read is null)
            {
                return new PassThroughTooLarge(status, request.MaxResponseBytes);
            }

            var secret = Encoding.UTF8.GetBytes(accessToken.Reveal());
            var answerBody = Redact(read, secret);
            var headers = PassedBack(response, accessToken.Reveal());
            var errorCode = status >= 400 ? LinkedInErrorReader.ApiFailure(response.StatusCode, Encoding.UTF8.GetString(answerBody), time.GetUtcNow()).Code : null;
            return new PassThroughAnswered(status, response.Content.Headers.ContentType?.ToString(), headers, answerBody, errorCode);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PassThroughFailed(true, $"LinkedIn did not answer within {_linkedIn.RequestTimeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                                                  or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError)
        {
            return new PassThroughFailed(false, $"LinkedIn could not be reached ({ex.HttpRequestError})");
        }
        catch (HttpRequestException ex)
        {
            return new PassThroughFailed(true, $"LinkedIn's answer broke off ({ex.HttpRequestError})");
        }
    }

    /// <summary>
    /// <paramref name="pathAndQuery"/> appended to <paramref name="apiBase"/>, or null when the result would leave the base
    /// (another scheme, host or port, or a path outside the base's).
    /// </summary>
    public static Uri? TargetOf(Uri apiBase, string pathAndQuery)
    {
        ArgumentNullException.ThrowIfNull(apiBase);
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        var basePath = apiBase.AbsolutePath.EndsWith('/') ? apiBase.AbsolutePath : apiBase.AbsolutePath + "/";
        var text = apiBase.GetLeftPart(UriPartial.Authority) + basePath + pathAndQuery.TrimStart('/');
        // No canonicalization: what was checked is what is sent (dot segments were refused before, not resolved here).
        if (!Uri.TryCreate(text, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }, out var target))
        {
            return null;
        }

        return target.Scheme == apiBase.Scheme && target.IdnHost == apiBase.IdnHost && target.Port == apiBase.Port
               && string.IsNullOrEmpty(target.UserInfo) && target.AbsolutePath.StartsWith(basePath, StringComparison.Ordinal)
            ? target
            : null;
    }

    private static async Task<byte[]?> ReadBoundedAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static byte[] Redact(byte[] body, byte[] secret)
    {
        if (body.AsSpan().IndexOf(secret) < 0)
        {
            return body;
        }

        using var output = new MemoryStream(body.Length);
        var rest = body.AsSpan();
        int at;
        while ((at = rest.IndexOf(secret)) >= 0)
        {
            output.Write(rest[..at]);
            output.Write(Redacted);
            rest = rest[(at + secret.Length)..];
        }

        output.Write(rest);
        return output.ToArray();
    }

    private static List<KeyValuePair<string, string>> PassedBack(HttpResponseMessage response, string secret)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in response.Headers)
        {
            if (!PassedBackHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) && !name.StartsWith(RateLimitHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            headers.AddRange(values.Where(v => !v.Contains(secret, StringComparison.Ordinal)).Select(v => KeyValuePair.Create(name.ToLowerInvariant(), v)));
        }

        return headers;
    }
}
