using System.Net;
using TokenWorkers.Contracts;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;

namespace TokenWorkers.Tests.LinkedIn;

public class TokenResponseReaderTests
{
    private static readonly DateTimeOffset Sent = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_refresh_grant_is_read_with_expiries_relative_to_the_request()
    {
        var result = TokenResponseReader.Read(HttpStatusCode.OK,
            """{"access_token":"AQV-new","expires_in":5183999,"refresh_token":"AQW-same","refresh_token_expires_in":26438400,"scope":"openid,profile,w_member_social","token_type":"Bearer"}""",
            Sent);

        var granted = Assert.IsType<TokenGranted>(result);
        Assert.Equal("AQV-new", granted.AccessToken.Reveal());
        Assert.Equal("AQW-same", granted.RefreshToken?.Reveal());
        Assert.Equal(Sent.AddSeconds(5183999), granted.AccessTokenExpiresAt);
        Assert.Equal(TimeSpan.FromSeconds(26438400), granted.RefreshTokenExpiresIn);
        Assert.Equal(["openid", "profile", "w_member_social"], granted.Scopes);
    }

    [Theory]
    [InlineData("openid,profile,email")]
    [InlineData("openid profile email")]
    [InlineData("openid, profile ,email")]
    public void Scopes_separated_by_commas_or_spaces_are_both_understood(string scope)
    {
        var granted = Assert.IsType<TokenGranted>(TokenResponseReader.Read(HttpStatusCode.OK,
            $$"""{"access_token":"AQV","expires_in":5184000,"scope":"{{scope}}"}""", Sent));

        Assert.Equal(["openid", "profile", "email"], granted.Scopes);
    }

    [Fact]
    public void A_refresh_response_without_a_refresh_token_is_a_grant_without_one()
    {
        var granted = Assert.IsType<TokenGranted>(TokenResponseReader.Read(HttpStatusCode.OK,
            """{"access_token":"AQV","expires_in":5184000}""", Sent));

        Assert.Null(granted.RefreshToken);
        Assert.Null(granted.RefreshTokenExpiresIn);
    }

    [Theory]
    [InlineData(400, """{"error":"invalid_request","error_description":"The provided authorization grant or refresh token is invalid, expired or revoked"}""", FailureClass.Reauth, "invalid_request")]
    [InlineData(400, """{"error":"invalid_grant","error_description":"refresh token expired"}""", FailureClass.Reauth, "invalid_grant")]
    [InlineData(401, """{"error":"invalid_client","error_description":"Client authentication failed"}""", FailureClass.Configuration, "invalid_client")]
    [InlineData(400, """{"error":"invalid_request","error_description":"A required parameter \"refresh_token\" is missing"}""", FailureClass.Configuration, "invalid_request")]
    [InlineData(500, """{"error":"server_error"}""", FailureClass.Transient, "server_error")]
    [InlineData(503, "<html>Service Unavailable</html>", FailureClass.Transient, null)]
    [InlineData(409, "", FailureClass.Transient, null)]
    [InlineData(400, "not json at all", FailureClass.Transient, null)]
    [InlineData(429, """{"status":429,"serviceErrorCode":101,"code":"TOO_MANY_REQUESTS","message":"Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached."}""", FailureClass.RateLimited, "TOO_MANY_REQUESTS")]
    [InlineData(403, """{"status":403,"serviceErrorCode":100,"code":"ACCESS_DENIED","message":"Not enough permissions"}""", FailureClass.Permission, "ACCESS_DENIED")]
    public void Every_failure_falls_into_exactly_one_class(int status, string body, FailureClass expected, string? errorCode)
    {
        var failed = Assert.IsType<TokenFailed>(TokenResponseReader.Read((HttpStatusCode)status, body, Sent));

        Assert.Equal(expected, failed.Class);
        Assert.Equal(errorCode, failed.ErrorCode);
        Assert.Equal(status, failed.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    [InlineData("""{"access_token":"AQV"}""")]
    [InlineData("""{"access_token":"","expires_in":5184000}""")]
    [InlineData("<html>ok</html>")]
    public void A_success_status_with_an_unreadable_body_is_transient_not_a_grant(string body)
    {
        var failed = Assert.IsType<TokenFailed>(TokenResponseReader.Read(HttpStatusCode.OK, body, Sent));

        Assert.Equal(FailureClass.Transient, failed.Class);
    }

    [Fact]
    public void A_rate_limit_is_retried_at_the_next_midnight_utc()
    {
        var failed = Assert.IsType<TokenFailed>(TokenResponseReader.Read(HttpStatusCode.TooManyRequests, "{}",
            new DateTimeOffset(2026, 3, 1, 23, 59, 0, TimeSpan.FromHours(-5))));

        Assert.Equal(new DateTimeOffset(2026, 3, 3, 0, 0, 0, TimeSpan.Zero), failed.RetryAt);
    }

    [Fact]
    public void A_long_error_description_is_bounded()
    {
        var failed = Assert.IsType<TokenFailed>(TokenResponseReader.Read(HttpStatusCode.BadRequest,
            $$"""{"error":"invalid_request","error_description":"{{new string('x', 5000)}}"}""", Sent));

        Assert.True(failed.Description.Length <= 300);
    }
}
