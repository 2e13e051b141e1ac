using System.Net;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Oauth;

public sealed class IntrospectionTests
{
    [Fact]
    public async Task An_active_access_token_is_described_in_epoch_seconds()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.AdvanceDays(1);

        using var response = await h.IntrospectAsync(seeded.AccessToken);

        var body = await Harness.TokenAsync(response);
        var start = The.Start.ToUnixTimeSeconds();
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal("active", body.GetProperty("status").GetString());
        Assert.Equal("openid,profile,email,w_member_social", body.GetProperty("scope").GetString());
        Assert.Equal(The.ClientId, body.GetProperty("client_id").GetString());
        Assert.Equal(start, body.GetProperty("created_at").GetInt64());
        Assert.Equal(start, body.GetProperty("authorized_at").GetInt64());
        Assert.Equal(start + The.SixtyDays, body.GetProperty("expires_at").GetInt64());
        Assert.Equal("3L", body.GetProperty("auth_type").GetString());
    }

    [Fact]
    public async Task A_refresh_token_expires_a_year_after_the_first_grant()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.AdvanceDays(100);
        using var refreshed = await h.RefreshAsync(seeded.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);

        using var response = await h.IntrospectAsync(seeded.RefreshToken!);

        var body = await Harness.TokenAsync(response);
        Assert.True(body.GetProperty("active").GetBoolean());
        Assert.Equal(The.Start.ToUnixTimeSeconds() + The.OneYear, body.GetProperty("expires_at").GetInt64());
    }

    [Fact]
    public async Task An_expired_token_is_inactive_with_status_expired()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.AdvanceDays(61);

        using var response = await h.IntrospectAsync(seeded.AccessToken);

        var body = await Harness.TokenAsync(response);
        Assert.False(body.GetProperty("active").GetBoolean());
        Assert.Equal("expired", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_revoked_grant_shows_both_tokens_as_revoked()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Control.RevokeGrant(seeded.GrantId);

        foreach (var token in new[] { seeded.AccessToken, seeded.RefreshToken! })
        {
            using var response = await h.IntrospectAsync(token);
            var body = await Harness.TokenAsync(response);
            Assert.False(body.GetProperty("active").GetBoolean());
            Assert.Equal("revoked", body.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Another_apps_valid_credentials_see_an_inactive_token()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.IntrospectAsync(seeded.AccessToken, The.OtherClientId, The.OtherClientSecret);

        var body = await Harness.TokenAsync(response);
        Assert.False(body.GetProperty("active").GetBoolean());
        Assert.False(body.TryGetProperty("scope", out _));
    }

    [Fact]
    public async Task Bad_introspection_requests_get_the_documented_statuses()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var wrongSecret = await h.IntrospectAsync(seeded.AccessToken, The.ClientId, "wrong");
        using var unknownClient = await h.IntrospectAsync(seeded.AccessToken, "nobody", The.ClientSecret);
        using var unknownToken = await h.IntrospectAsync("AQVnot-a-token");
        using var missingToken = await h.PostFormAsync("oauth/v2/introspectToken", ("client_id", The.ClientId), ("client_secret", The.ClientSecret));

        await Harness.OauthErrorAsync(wrongSecret, HttpStatusCode.Unauthorized, "invalid_client");
        await Harness.OauthErrorAsync(unknownClient, HttpStatusCode.BadRequest, "invalid_request");
        await Harness.OauthErrorAsync(unknownToken, HttpStatusCode.BadRequest, "invalid_request");
        await Harness.OauthErrorAsync(missingToken, HttpStatusCode.BadRequest, "invalid_request", "A required parameter \"token\" is missing");
    }
}
