using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.LinkedIn;

/// <summary>
/// The clients on a real socket against the sandbox: how a call that was never sent, one that went out and got no whole
/// answer, and the caller's own cancellation each come back, and that no secret is in any of them.
/// </summary>
public sealed class LinkedInClientTransportTests : IAsyncLifetime
{
    private const string ClientId = "tw-transport";
    private const string ClientSecret = "tw-transport-SENTINEL-secret";
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);
    private static readonly PostContent Content = new("Did it go out?", PostVisibility.Public);

    private LinkedInSandbox _sandbox = null!;
    private SeededGrant _grant = null!;
    private readonly HttpClient _http = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await LinkedInSandbox.StartAsync(cancellationToken: Cancel);
        _sandbox.Control.CreateApp(ClientId, ClientSecret, programmaticRefresh: true);
        var member = _sandbox.Control.CreateMember();
        _grant = _sandbox.Control.SeedGrant(ClientId, member.Sub, "openid", "profile", "email", "w_member_social");
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _sandbox.DisposeAsync();
    }

    [Fact]
    public async Task A_refresh_dropped_after_LinkedIn_processed_it_is_a_transport_fault_naming_the_path_and_the_error()
    {
        _sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.DropAfterProcessing);

        var fault = await Assert.ThrowsAsync<LinkedInTransportException>(() => OAuth().RefreshAsync("default", RefreshToken, Cancel));

        // Reset or cut short, depending on the socket's timing, and on a loaded machine the drop can come after the
        // 0.5 s request timeout; in every case it is a transport fault whose message names what happened.
        if (fault.InnerException is null)
        {
            Assert.Equal("LinkedIn's oauth/v2/accessToken did not answer within 0.5 s", fault.Message);
        }
        else
        {
            var cause = Assert.IsType<HttpRequestException>(fault.InnerException);
            Assert.Equal($"LinkedIn's oauth/v2/accessToken could not be reached: {cause.HttpRequestError}", fault.Message);
        }

        AssertNoSecretIn(fault);
    }

    [Fact]
    public async Task A_refresh_that_outlasts_the_request_timeout_is_a_transport_fault()
    {
        _sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.Delay(TimeSpan.FromSeconds(3)));

        var fault = await Assert.ThrowsAsync<LinkedInTransportException>(() => OAuth().RefreshAsync("default", RefreshToken, Cancel));

        Assert.Equal("LinkedIn's oauth/v2/accessToken did not answer within 0.5 s", fault.Message);
        AssertNoSecretIn(fault);
    }

    [Fact]
    public async Task A_refresh_against_a_closed_port_is_a_transport_fault()
    {
        var fault = await Assert.ThrowsAsync<LinkedInTransportException>(() => OAuth(ClosedPort()).RefreshAsync("default", RefreshToken, Cancel));

        Assert.Equal("LinkedIn's oauth/v2/accessToken could not be reached: ConnectionError", fault.Message);
        AssertNoSecretIn(fault);
    }

    [Fact]
    public async Task A_revocation_against_a_closed_port_is_a_transport_fault()
    {
        var fault = await Assert.ThrowsAsync<LinkedInTransportException>(() => OAuth(ClosedPort()).RevokeAsync("default", RefreshToken, Cancel));

        Assert.Equal("LinkedIn's oauth/v2/revoke could not be reached: ConnectionError", fault.Message);
        AssertNoSecretIn(fault);
    }

    [Fact]
    public async Task The_callers_cancellation_of_a_refresh_is_a_cancellation_not_a_transport_fault()
    {
        _sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.Delay(TimeSpan.FromSeconds(3)));
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        caller.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => OAuth(timeout: TimeSpan.FromSeconds(30)).RefreshAsync("default", RefreshToken, caller.Token));
    }

    [Fact]
    public async Task Reading_the_member_from_a_closed_port_is_a_transport_fault()
    {
        var fault = await Assert.ThrowsAsync<LinkedInTransportException>(() => Api(ClosedPort()).GetMemberAsync(AccessToken, Cancel));

        Assert.Equal("LinkedIn's userinfo endpoint could not be reached: ConnectionError", fault.Message);
        AssertNoSecretIn(fault);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("delay")]
    public async Task Reading_the_member_without_a_whole_answer_is_a_transport_fault(string fault)
    {
        _sandbox.Control.InjectFault(SandboxEndpoint.Userinfo, Fault(fault));

        var thrown = await Assert.ThrowsAsync<LinkedInTransportException>(() => Api().GetMemberAsync(AccessToken, Cancel));

        Assert.Equal("LinkedIn's userinfo endpoint did not answer", thrown.Message);
        AssertNoSecretIn(thrown);
    }

    [Fact]
    public async Task A_post_to_a_closed_port_was_never_sent_and_is_a_transport_fault()
    {
        var fault = await Assert.ThrowsAsync<LinkedInTransportException>(
            () => Api(ClosedPort()).CreatePostAsync(AccessToken, MemberUrn, Content, [], Cancel));

        Assert.Equal("LinkedIn's posting endpoint could not be reached: ConnectionError", fault.Message);
        AssertNoSecretIn(fault);
    }

    [Fact]
    public async Task A_post_dropped_after_LinkedIn_created_it_has_an_unknown_outcome()
    {
        _sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.DropAfterProcessing);

        var result = await Api().CreatePostAsync(AccessToken, MemberUrn, Content, [], Cancel);

        Assert.Equal(new PostAnswerLost("LinkedIn's posting endpoint did not answer within 0.5 s after the post was sent"), result);
        // On a busy machine the client's 0.5 s can run out while the sandbox is still creating the post: it is created all
        // the same, which is what "unknown outcome" means.
        await Pipeline.PipelineHost.WaitUntilAsync(() => _sandbox.Control.Posts.Count == 1, "the post to exist at LinkedIn", TimeSpan.FromSeconds(10));
        Assert.Single(_sandbox.Control.Posts);
    }

    [Fact]
    public async Task A_post_that_outlasts_the_request_timeout_has_an_unknown_outcome()
    {
        _sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.Delay(TimeSpan.FromSeconds(3)));

        var result = await Api().CreatePostAsync(AccessToken, MemberUrn, Content, [], Cancel);

        Assert.Equal(new PostAnswerLost("LinkedIn's posting endpoint did not answer within 0.5 s after the post was sent"), result);
    }

    [Fact]
    public async Task The_callers_cancellation_of_a_post_is_a_cancellation_not_an_unknown_outcome()
    {
        _sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.Delay(TimeSpan.FromSeconds(3)));
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        caller.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Api(timeout: TimeSpan.FromSeconds(30)).CreatePostAsync(AccessToken, MemberUrn, Content, [], caller.Token));
    }

    private SecretToken RefreshToken => new(_grant.RefreshToken!);

    private SecretToken AccessToken => new(_grant.AccessToken);

    private string MemberUrn => "urn:li:person:" + _sandbox.Control.Members.Single().Sub;

    private static SandboxFault Fault(string name) =>
        name == "drop" ? SandboxFault.DropAfterProcessing : SandboxFault.Delay(TimeSpan.FromSeconds(3));

    private static Uri ClosedPort() => new($"http://127.0.0.1:{FreePorts.Next()}/");

    private LinkedInOptions Settings(Uri? baseUrl, TimeSpan? timeout) => new()
    {
        OAuthBaseUrl = baseUrl ?? _sandbox.BaseAddress,
        ApiBaseUrl = baseUrl ?? _sandbox.BaseAddress,
        ClientId = ClientId,
        ClientSecret = ClientSecret,
        RequestTimeout = timeout ?? Timeout,
    };

    private LinkedInOAuthClient OAuth(Uri? baseUrl = null, TimeSpan? timeout = null) =>
        new(_http, Options.Create(Settings(baseUrl, timeout)), TimeProvider.System);

    private LinkedInApiClient Api(Uri? baseUrl = null, TimeSpan? timeout = null) =>
        new(_http, Options.Create(Settings(baseUrl, timeout)),
            Options.Create(new LinkedInPostingOptions()), TimeProvider.System);

    private void AssertNoSecretIn(Exception fault)
    {
        var text = fault.ToString();
        Assert.DoesNotContain(ClientSecret, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_grant.AccessToken, text, StringComparison.Ordinal);
        Assert.DoesNotContain(_grant.RefreshToken!, text, StringComparison.Ordinal);
    }
}
