using TokenWorkers.Connections;

namespace TokenWorkers.Ports;

/// <summary>
/// A caller's request, passed to LinkedIn's API base as a connection's member (the proxy). Only the API base is reached:
/// <paramref name="PathAndQuery"/> is relative to it and has been checked (<c>ProxyTarget</c>); the adapter checks again
/// that the URL it builds stays under the base.
/// </summary>
/// <param name="Headers">The caller's headers the proxy passes on (LinkedIn-Version, X-Restli-Protocol-Version, ...), never Authorization.</param>
/// <param name="MaxResponseBytes">A longer answer is not passed back (<see cref="PassThroughTooLarge"/>).</param>
public sealed record PassThroughRequest(
    string Method,
    string PathAndQuery,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    ReadOnlyMemory<byte>? Body,
    string? ContentType,
    long MaxResponseBytes);

/// <summary>LinkedIn's answer to a proxied call, whatever its status, with the headers a caller may see.</summary>
/// <param name="ErrorCode">LinkedIn's <c>serviceErrorCode</c> or <c>code</c> on an error answer, when it has one.</param>
public sealed record PassThroughAnswered(
    int Status, string? ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Body, string? ErrorCode) : ApiResult;

/// <summary>LinkedIn's answer was longer than the limit: nothing of it is passed back.</summary>
public sealed record PassThroughTooLarge(int Status, long Limit) : ApiResult;

/// <summary>No whole answer: <paramref name="Sent"/> false when no connection was made (nothing reached LinkedIn).</summary>
public sealed record PassThroughFailed(bool Sent, string Reason) : ApiResult;

/// <summary>LinkedIn's REST API for arbitrary calls, as <c>/proxy/linkedin</c> makes them.</summary>
public interface ILinkedInPassThrough
{
    Task<ApiResult> SendAsync(PassThroughRequest request, SecretToken accessToken, CancellationToken cancellationToken);
}
