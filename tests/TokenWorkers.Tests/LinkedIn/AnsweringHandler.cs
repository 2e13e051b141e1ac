using System.Net;

namespace TokenWorkers.Tests.LinkedIn;

/// <summary>Stands in for LinkedIn where a test is about reading an answer, not about the wire: every call gets the same one.</summary>
internal sealed class AnsweringHandler(HttpStatusCode status, string body, params (string Name, string Value)[] headers) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body), RequestMessage = request };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return Task.FromResult(response);
    }
}
