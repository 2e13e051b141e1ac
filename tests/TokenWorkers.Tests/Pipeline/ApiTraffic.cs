using System.Collections.Concurrent;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>The requests the worker's LinkedIn API client sent, as they left the process (headers and body).</summary>
public sealed class ApiTraffic
{
    private readonly ConcurrentQueue<SentRequest> _sent = new();

    public IReadOnlyList<SentRequest> Sent => [.. _sent];

    internal void Add(SentRequest request) => _sent.Enqueue(request);
}

public sealed record SentRequest(HttpMethod Method, string Path, IReadOnlyDictionary<string, string> Headers, string? Body);

/// <summary>Records each request of the client it is added to, then sends it on unchanged.</summary>
public sealed class RecordingHandler(ApiTraffic traffic) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        traffic.Add(new SentRequest(request.Method, request.RequestUri!.AbsolutePath, headers, body));
        return await base.SendAsync(request, cancellationToken);
    }
}
