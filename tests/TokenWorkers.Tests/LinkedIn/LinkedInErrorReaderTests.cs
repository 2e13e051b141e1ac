using System.Net;
using TokenWorkers.Contracts;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;

namespace TokenWorkers.Tests.LinkedIn;

public sealed class LinkedInErrorReaderTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NextMidnight = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(LinkedInErrorCases.OAuth), MemberType = typeof(LinkedInErrorCases))]
    public void Each_token_endpoint_error_falls_into_one_class_with_LinkedIns_code_and_a_bounded_description(
        int status, string body, FailureClass expected, string? code, string description)
    {
        var failed = LinkedInErrorReader.OAuthFailure((HttpStatusCode)status, body, Now);

        Assert.Equal(new TokenFailed(expected, code, description, status, status == 429 ? NextMidnight : null), failed);
        Assert.True(failed.Description.Length <= 300);
    }

    [Theory]
    [MemberData(nameof(LinkedInErrorCases.Rest), MemberType = typeof(LinkedInErrorCases))]
    public void Each_REST_error_falls_into_one_class_with_LinkedIns_code_and_a_bounded_message(
        int status, string body, FailureClass expected, string? code, string message)
    {
        var rejected = LinkedInErrorReader.ApiFailure((HttpStatusCode)status, body, Now);

        Assert.Equal(new ApiRejected(expected, status, code, message, status == 429 ? NextMidnight : null), rejected);
        Assert.True(rejected.Message.Length <= 300);
    }

    [Theory]
    [InlineData(LinkedInErrorCases.DuplicatePost, "urn:li:share:7141138937766391808")]
    [InlineData("""{"message":"Content is a duplicate of urn:li:ugcPost:42","errorDetails":{"inputErrors":[{"code":"OTHER"},{"code":"DUPLICATE_POST"}]}}""", "urn:li:ugcPost:42")]
    [InlineData("""{"message":"Content is a duplicate","errorDetails":{"inputErrors":[{"code":"DUPLICATE_POST"}]}}""", null)]
    [InlineData("""{"message":"Content is a duplicate of urn:li:share:1","errorDetails":{"inputErrors":[{"code":"INVALID_VALUE"}]}}""", null)]
    [InlineData("""{"message":"Content is a duplicate of urn:li:share:1"}""", null)]
    [InlineData("""{"message":"Content is a duplicate of urn:li:person:1","errorDetails":{"inputErrors":[{"code":"DUPLICATE_POST"}]}}""", null)]
    [InlineData("""{"message":"urn:li:share:1","errorDetails":{"inputErrors":["DUPLICATE_POST",{"code":7}]}}""", null)]
    [InlineData("""{"message":"urn:li:share:1","errorDetails":["DUPLICATE_POST"]}""", null)]
    [InlineData("""["DUPLICATE_POST","urn:li:share:1"]""", null)]
    [InlineData("", null)]
    public void A_duplicate_post_names_the_earlier_post_only_when_LinkedIn_says_DUPLICATE_POST_and_gives_its_URN(string body, string? earlier)
    {
        Assert.Equal(earlier, LinkedInErrorReader.DuplicateOf(body));
    }

    [Theory]
    [InlineData("2026-03-01T10:00:00+00:00", "2026-03-02T00:00:00+00:00")]
    [InlineData("2026-03-01T00:00:00+00:00", "2026-03-02T00:00:00+00:00")]
    [InlineData("2026-03-01T23:59:00-05:00", "2026-03-03T00:00:00+00:00")]
    [InlineData("2026-03-02T00:30:00+02:00", "2026-03-02T00:00:00+00:00")]
    public void A_rate_limit_lasts_until_the_next_midnight_UTC(string now, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            LinkedInErrorReader.NextUtcMidnight(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
