using System.Net;
using System.Text;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.LinkedIn;

/// <summary>
/// The shared send on a real socket against the sandbox: every answer comes back as one, whatever its status; a call that
/// could not connect was never sent; a call LinkedIn received but did not answer whole (cut, or too slow) was sent.
/// </summary>
public sealed class LinkedInSendTests : IAsyncLifetime
{
    private const string ClientId = "tw-send";
    // Generous: a first call to a freshly started sandbox on a busy machine took longer than 300 ms. The slow answers below
    // are far slower still, so they time out whatever the load.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    private readonly HttpClient _http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    private LinkedInSandbox _sandbox = null!;
    private SeededGrant _grant = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await LinkedInSandbox.StartAsync(cancellationToken: Cancel);
        _sandbox.Control.CreateApp(ClientId, "tw-send-secret", programmaticRefresh: true);
        var member = _sandbox.Control.CreateMember();
        _grant = _sandbox.Control.SeedGrant(ClientId, member.Sub, "openid", "profile", "email", "w_member_social");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task A_created_post_is_answered_with_its_status_headers_and_body()
    {
        using var request = Post(_sandbox.BaseAddress);

        var reply = await new LinkedInSend(_http, Timeout).SendAsync(request, Cancel);

        var answer = Assert.IsType<LinkedInAnswered>(reply);
        Assert.Equal(HttpStatusCode.Created, answer.Status);
        Assert.Equal(_sandbox.Control.Posts.Single().Urn, answer.Headers.GetValues("x-restli-id").Single());
    }

    [Fact]
    public async Task A_refusal_is_an_answer_with_LinkedIns_body_not_a_fault()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_sandbox.BaseAddress, "v2/userinfo"));

        var reply = await new LinkedInSend(_http, Timeout).SendAsync(request, Cancel);

        var answer = Assert.IsType<LinkedInAnswered>(reply);
        Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        Assert.Contains("EMPTY_ACCESS_TOKEN", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_error_is_an_answer_too()
    {
        _sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.ServiceUnavailable);
        using var request = Post(_sandbox.BaseAddress);

        var reply = await new LinkedInSend(_http, Timeout).SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, Assert.IsType<LinkedInAnswered>(reply).Status);
        Assert.Empty(_sandbox.Control.Posts);
    }

    [Fact]
    public async Task A_call_to_a_port_nobody_listens_on_was_never_sent()
    {
        using var request = Post(new Uri($"http://127.0.0.1:{FreePorts.Next()}/"));

        var reply = await new LinkedInSend(_http, Timeout).SendAsync(request, Cancel);

        Assert.Equal(HttpRequestError.ConnectionError, Assert.IsType<LinkedInNotSent>(reply).Cause.HttpRequestError);
    }

    [Fact]
    public async Task A_call_cut_off_after_LinkedIn_processed_it_was_sent_without_an_answer()
    {
        _sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.DropAfterProcessing);
        using var request = Post(_sandbox.BaseAddress);

        var reply = await new LinkedInSend(_http, Timeout).SendAsync(request, Cancel);

        // A reset or a body cut short, or on a loaded machine the timeout first: unanswered either way, never "not sent".
        Assert.IsType<LinkedInUnanswered>(reply);
        Assert.Single(_sandbox.Control.Posts);
        Assert.Equal("drop", Assert.Single(_sandbox.Control.Requests).Fault);
    }

    [Fact]
    public async Task A_call_slower_than_the_timeout_was_sent_without_an_answer_and_names_no_cause()
    {
        _sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.Delay(TimeSpan.FromSeconds(6)));
        using var request = Post(_sandbox.BaseAddress);

        var reply = await new LinkedInSend(_http, Timeout).SendAsync(request, Cancel);

        Assert.Null(Assert.IsType<LinkedInUnanswered>(reply).Cause);
        // The sandbox took the call in (and goes on to create the post after the delay).
        await PipelineHost.WaitUntilAsync(() => _sandbox.Control.Posts.Count == 1, "the delayed post to be created");
    }

    [Fact]
    public async Task The_callers_cancellation_propagates_instead_of_counting_as_a_timeout()
    {
        _sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.Delay(TimeSpan.FromSeconds(6)));
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        caller.CancelAfter(TimeSpan.FromMilliseconds(200));
        using var request = Post(_sandbox.BaseAddress);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new LinkedInSend(_http, TimeSpan.FromSeconds(30)).SendAsync(request, caller.Token));
    }

    [Fact]
    public void A_printed_answer_shows_its_status_and_never_its_body()
    {
        using var response = new HttpResponseMessage();
        var answer = new LinkedInAnswered(HttpStatusCode.OK, response.Headers, """{"access_token":"AQV-printed"}""");

        Assert.Equal("LinkedInAnswered { Status = 200 }", answer.ToString());
    }

    private HttpRequestMessage Post(Uri baseAddress)
    {
        var body = LinkedInApiClient.UgcPostsBody("urn:li:person:" + _sandbox.Control.Members.Single().Sub,
            new TokenWorkers.Posts.PostContent("Sent once", TokenWorkers.Contracts.PostVisibility.Public));
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, LinkedInApiClient.UgcPostsPath))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", _grant.AccessToken);
        request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        return request;
    }
}
