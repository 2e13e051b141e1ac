using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;

namespace TokenWorkers.Tests.LinkedIn;

/// <summary>
/// What the clients make of LinkedIn's error answers, through their public surface: the same values and messages
/// whichever class reads the body.
/// </summary>
public sealed class LinkedInErrorMappingTests
{
    private static readonly DateTimeOffset Sent = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NextMidnight = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly SecretToken Token = new("AQV-mapping-token");
    private static readonly PostContent Content = new("Hello", PostVisibility.Public);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(LinkedInErrorCases.OAuth), MemberType = typeof(LinkedInErrorCases))]
    public void The_token_reader_maps_each_OAuth_error_to_one_class_code_and_description(
        int status, string body, FailureClass expected, string? code, string description)
    {
        var failed = TokenResponseReader.Read((HttpStatusCode)status, body, Sent);

        Assert.Equal(new TokenFailed(expected, code, description, status, status == 429 ? NextMidnight : null), failed);
    }

    [Theory]
    [MemberData(nameof(LinkedInErrorCases.OAuth), MemberType = typeof(LinkedInErrorCases))]
    public async Task Revoking_reads_each_OAuth_error_as_the_token_endpoint_does(
        int status, string body, FailureClass expected, string? code, string description)
    {
        using var http = new HttpClient(new AnsweringHandler((HttpStatusCode)status, body));
        var client = new LinkedInOAuthClient(http, Options.Create(LinkedIn()), new FakeTimeProvider(Sent));

        var failed = await client.RevokeAsync("default", Token, Cancel);

        Assert.Equal(new TokenFailed(expected, code, description, status, status == 429 ? NextMidnight : null), failed);
    }

    [Theory]
    [MemberData(nameof(LinkedInErrorCases.Rest), MemberType = typeof(LinkedInErrorCases))]
    public async Task Reading_the_member_maps_each_REST_error_to_one_class_code_and_message(
        int status, string body, FailureClass expected, string? code, string message)
    {
        var result = await ApiClient(new AnsweringHandler((HttpStatusCode)status, body)).GetMemberAsync(Token, Cancel);

        Assert.Equal(new ApiRejected(expected, status, code, message, status == 429 ? NextMidnight : null), result);
    }

    [Theory]
    [MemberData(nameof(LinkedInErrorCases.Rest), MemberType = typeof(LinkedInErrorCases))]
    public async Task Creating_a_post_maps_each_REST_error_as_reading_the_member_does(
        int status, string body, FailureClass expected, string? code, string message)
    {
        var result = await ApiClient(new AnsweringHandler((HttpStatusCode)status, body))
            .CreatePostAsync(Token, "urn:li:person:ada", Content, [], Cancel);

        if (status >= 500)
        {
            // A server error to a post creation may come after the post was created: an unknown outcome, not a refusal.
            Assert.Contains($"answered {status} after the post was sent", Assert.IsType<PostAnswerLost>(result).Reason, StringComparison.Ordinal);
            return;
        }

        Assert.Equal(new ApiRejected(expected, status, code, message, status == 429 ? NextMidnight : null), result);
    }

    [Fact]
    public async Task A_duplicate_post_names_the_earlier_post()
    {
        var result = await ApiClient(new AnsweringHandler((HttpStatusCode)422, LinkedInErrorCases.DuplicatePost))
            .CreatePostAsync(Token, "urn:li:person:ada", Content, [], Cancel);

        Assert.Equal(new PostDuplicate("urn:li:share:7141138937766391808"), result);
    }

    [Fact]
    public async Task A_duplicate_post_without_an_earlier_URN_is_an_invalid_request()
    {
        const string body = """{"message":"Content is a duplicate","errorDetails":{"inputErrors":[{"code":"DUPLICATE_POST"}]},"status":422}""";

        var result = await ApiClient(new AnsweringHandler((HttpStatusCode)422, body))
            .CreatePostAsync(Token, "urn:li:person:ada", Content, [], Cancel);

        Assert.Equal(new ApiRejected(FailureClass.Invalid, 422, null, "LinkedIn answered HTTP 422: Content is a duplicate"), result);
    }

    [Fact]
    public async Task A_created_post_is_read_from_the_restli_id_header_or_else_the_body()
    {
        var fromHeader = await ApiClient(new AnsweringHandler(HttpStatusCode.Created, "", ("x-restli-id", "urn:li:share:1")))
            .CreatePostAsync(Token, "urn:li:person:ada", Content, [], Cancel);
        var fromBody = await ApiClient(new AnsweringHandler(HttpStatusCode.Created, """{"id":"urn:li:ugcPost:2"}"""))
            .CreatePostAsync(Token, "urn:li:person:ada", Content, [], Cancel);
        var without = await ApiClient(new AnsweringHandler(HttpStatusCode.Created, "{}"))
            .CreatePostAsync(Token, "urn:li:person:ada", Content, [], Cancel);

        Assert.Equal(new PostCreated("urn:li:share:1"), fromHeader);
        Assert.Equal(new PostCreated("urn:li:ugcPost:2"), fromBody);
        // Created, but the answer does not say as what: an unknown outcome (settled later), never a quick retry that posts again.
        Assert.Contains("201 without the post's id", Assert.IsType<PostAnswerLost>(without).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_member_is_read_from_the_sub_claim()
    {
        var result = await ApiClient(new AnsweringHandler(HttpStatusCode.OK, """{"sub":"ada-4f2a","name":"Ada"}""")).GetMemberAsync(Token, Cancel);

        Assert.Equal(new MemberFound("urn:li:person:ada-4f2a"), result);
    }

    private static LinkedInOptions LinkedIn() => new()
    {
        OAuthBaseUrl = new Uri("http://linkedin.invalid/"),
        ApiBaseUrl = new Uri("http://linkedin.invalid/"),
        ClientId = "tw-mapping",
        ClientSecret = "tw-mapping-secret",
    };

    private static LinkedInApiClient ApiClient(HttpMessageHandler handler) =>
        new(new HttpClient(handler), Options.Create(LinkedIn()), Options.Create(new LinkedInPostingOptions()), new FakeTimeProvider(Sent));
}
