using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;

namespace TokenWorkers.Tests.LinkedIn;

/// <summary>The proxy's client reading LinkedIn's answer: the token never comes back, only the agreed headers do, and a long answer is cut off.</summary>
public sealed class LinkedInPassThroughClientTests
{
    private const string Token = "AQV-access-SENTINEL-token-7f3e";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_LinkedIn_echoes_is_redacted_and_only_the_agreed_headers_come_back()
    {
        var echo = $$"""{"message":"Invalid access token {{Token}}","again":"{{Token}}"}""";
        using var handler = new AnsweringHandler(HttpStatusCode.Unauthorized, echo,
            ("x-li-request-id", "REQ123"), ("x-restli-id", "urn:li:share:1"), ("set-cookie", "li_at=1"), ("x-echo", Token), ("x-ratelimit-remaining", "9"));

        var answer = Assert.IsType<PassThroughAnswered>(await SendAsync(handler, maxResponseBytes: 4096));

        var body = Encoding.UTF8.GetString(answer.Body.Span);
        Assert.DoesNotContain(Token, body, StringComparison.Ordinal);
        Assert.Equal("""{"message":"Invalid access token [redacted]","again":"[redacted]"}""", body);
        Assert.Equal(["x-li-request-id=REQ123", "x-restli-id=urn:li:share:1", "x-ratelimit-remaining=9"], answer.Headers.Select(h => $"{h.Key}={h.Value}"));
        Assert.Equal(401, answer.Status);
    }

    [Fact]
    public async Task An_answer_longer_than_the_limit_is_not_passed_back()
    {
        using var handler = new AnsweringHandler(HttpStatusCode.OK, new string('a', 5000));

        var result = await SendAsync(handler, maxResponseBytes: 4096);

        Assert.Equal(new PassThroughTooLarge(200, 4096), result);
    }

    private static async Task<ApiResult> SendAsync(HttpMessageHandler handler, long maxResponseBytes)
    {
        using var http = new HttpClient(handler, disposeHandler: false);
        var client = new LinkedInPassThroughClient(http, Options.Create(new LinkedInOptions { ApiBaseUrl = new Uri("https://api.linkedin.com/") }), TimeProvider.System);
        return await client.SendAsync(new PassThroughRequest("GET", "v2/userinfo", [], null, null, maxResponseBytes), new SecretToken(Token), Cancel);
    }
}
