using System.Net;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Oauth;

public sealed class RefreshTests
{
    private const string InvalidGrantText = "The provided authorization grant or refresh token is invalid, expired or revoked";

    [Fact]
    public async Task Refresh_on_day_59_gives_a_fresh_60_day_access_token_and_306_days_of_refresh_token()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.AdvanceDays(59);

        using var response = await h.RefreshAsync(seeded.RefreshToken!);

        var token = await Harness.TokenAsync(response);
        Assert.Equal(The.SixtyDays, token.GetProperty("expires_in").GetInt64());
        Assert.Equal(306 * 86_400, token.GetProperty("refresh_token_expires_in").GetInt64());
        Assert.Equal(seeded.RefreshToken, token.GetProperty("refresh_token").GetString());
        Assert.NotEqual(seeded.AccessToken, token.GetProperty("access_token").GetString());
        Assert.Equal("openid,profile,email,w_member_social", token.GetProperty("scope").GetString());
        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
    }

    [Fact]
    public async Task Later_refreshes_return_the_decreasing_remainder_of_the_first_grants_year()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        var remainders = new List<long>();
        foreach (var day in new[] { 10, 50, 100 })
        {
            h.Time.SetUtcNow(The.Start.AddDays(day));
            using var response = await h.RefreshAsync(seeded.RefreshToken!);
            remainders.Add((await Harness.TokenAsync(response)).GetProperty("refresh_token_expires_in").GetInt64());
        }

        Assert.Equal([(365 - 10) * 86_400L, (365 - 50) * 86_400L, (365 - 100) * 86_400L], remainders);
    }

    [Fact]
    public async Task Refresh_on_day_360_yields_an_access_token_that_dies_with_the_refresh_token()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.AdvanceDays(360);

        using var response = await h.RefreshAsync(seeded.RefreshToken!);
        var token = await Harness.TokenAsync(response);
        var accessToken = token.GetProperty("access_token").GetString()!;

        Assert.Equal(5 * 86_400, token.GetProperty("expires_in").GetInt64());
        Assert.Equal(5 * 86_400, token.GetProperty("refresh_token_expires_in").GetInt64());
        h.Time.Advance(TimeSpan.FromDays(5) - TimeSpan.FromSeconds(1));
        using (var stillAlive = await h.UserInfoAsync(accessToken))
        {
            Assert.Equal(HttpStatusCode.OK, stillAlive.StatusCode);
        }

        h.Time.Advance(TimeSpan.FromSeconds(1));
        using var dead = await h.UserInfoAsync(accessToken);
        await Harness.ApiErrorAsync(dead, HttpStatusCode.Unauthorized, "EXPIRED_ACCESS_TOKEN", 65602);
        using var refreshDead = await h.RefreshAsync(seeded.RefreshToken!);
        await Harness.OauthErrorAsync(refreshDead, HttpStatusCode.BadRequest, "invalid_request", InvalidGrantText);
    }

    [Fact]
    public async Task Refresh_on_day_366_is_rejected_with_LinkedIns_error()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.AdvanceDays(366);

        using var response = await h.RefreshAsync(seeded.RefreshToken!);

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", InvalidGrantText);
    }

    [Fact]
    public async Task The_rfc_style_invalid_grant_can_be_chosen_at_start_and_at_run_time()
    {
        await using var h = await Harness.StartAsync(s => s.RefreshTokenError = RefreshTokenError.InvalidGrant);
        using (var rfc = await h.RefreshAsync("AQWunknown"))
        {
            await Harness.OauthErrorAsync(rfc, HttpStatusCode.BadRequest, "invalid_grant", InvalidGrantText);
        }

        h.Control.SetRefreshTokenError(RefreshTokenError.InvalidRequest);
        using var linkedIn = await h.RefreshAsync("AQWunknown");
        await Harness.OauthErrorAsync(linkedIn, HttpStatusCode.BadRequest, "invalid_request", InvalidGrantText);
    }

    [Fact]
    public async Task An_access_token_expires_after_exactly_60_days()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Time.Advance(TimeSpan.FromDays(60) - TimeSpan.FromSeconds(1));
        using (var alive = await h.UserInfoAsync(seeded.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        }

        h.Time.Advance(TimeSpan.FromSeconds(1));
        using var expired = await h.UserInfoAsync(seeded.AccessToken);

        var body = await Harness.ApiErrorAsync(expired, HttpStatusCode.Unauthorized, "EXPIRED_ACCESS_TOKEN", 65602);
        Assert.Equal("The token used in the request has expired", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_unknown_refresh_token_is_rejected()
    {
        await using var h = await Harness.StartAsync();

        using var response = await h.RefreshAsync("AQWnot-issued");

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", InvalidGrantText);
    }

    [Fact]
    public async Task Another_apps_refresh_token_is_rejected_even_with_valid_credentials()
    {
        await using var h = await Harness.StartAsync(s => s.Apps[2].ProgrammaticRefresh = true);
        var seeded = h.Seed();

        using var response = await h.RefreshAsync(seeded.RefreshToken!, The.OtherClientId, The.OtherClientSecret);

        await Harness.OauthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", InvalidGrantText);
    }

    [Fact]
    public async Task When_the_member_revokes_the_app_refresh_fails_and_api_calls_get_65601()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        Assert.Equal(1, h.Control.RevokeApp(The.MemberSub, The.ClientId));

        using var refresh = await h.RefreshAsync(seeded.RefreshToken!);
        await Harness.OauthErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_request", InvalidGrantText);
        using var api = await h.UserInfoAsync(seeded.AccessToken);
        var body = await Harness.ApiErrorAsync(api, HttpStatusCode.Unauthorized, "REVOKED_ACCESS_TOKEN", 65601);
        Assert.Equal("The token used in the request has been revoked by the user", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_forced_expiry_ends_the_grant_now()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        h.Control.ExpireGrant(seeded.GrantId);

        using var refresh = await h.RefreshAsync(seeded.RefreshToken!);
        await Harness.OauthErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_request", InvalidGrantText);
        using var api = await h.UserInfoAsync(seeded.AccessToken);
        await Harness.ApiErrorAsync(api, HttpStatusCode.Unauthorized, "EXPIRED_ACCESS_TOKEN", 65602);
    }

    [Fact]
    public async Task A_rotated_refresh_token_replaces_the_old_value()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Control.RotateNextRefreshToken(seeded.GrantId);

        using var rotated = await h.RefreshAsync(seeded.RefreshToken!);
        var newRefresh = (await Harness.TokenAsync(rotated)).GetProperty("refresh_token").GetString()!;

        Assert.NotEqual(seeded.RefreshToken, newRefresh);
        using (var old = await h.RefreshAsync(seeded.RefreshToken!))
        {
            await Harness.OauthErrorAsync(old, HttpStatusCode.BadRequest, "invalid_request", InvalidGrantText);
        }

        using var next = await h.RefreshAsync(newRefresh);
        Assert.Equal(newRefresh, (await Harness.TokenAsync(next)).GetProperty("refresh_token").GetString());
    }

    [Fact]
    public async Task Rotation_for_any_grant_applies_to_the_next_refresh_only()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Control.RotateNextRefreshToken();

        using var first = await h.RefreshAsync(seeded.RefreshToken!);
        var rotated = (await Harness.TokenAsync(first)).GetProperty("refresh_token").GetString()!;
        using var second = await h.RefreshAsync(rotated);

        Assert.NotEqual(seeded.RefreshToken, rotated);
        Assert.Equal(rotated, (await Harness.TokenAsync(second)).GetProperty("refresh_token").GetString());
    }

    [Fact]
    public async Task Always_rotating_is_a_setting()
    {
        await using var h = await Harness.StartAsync(s => s.RotateRefreshTokens = true);
        var seeded = h.Seed();

        using var first = await h.RefreshAsync(seeded.RefreshToken!);
        var one = (await Harness.TokenAsync(first)).GetProperty("refresh_token").GetString()!;
        using var second = await h.RefreshAsync(one);
        var two = (await Harness.TokenAsync(second)).GetProperty("refresh_token").GetString()!;

        Assert.Equal(3, new[] { seeded.RefreshToken, one, two }.Distinct().Count());
    }

    [Fact]
    public async Task An_omitted_refresh_token_leaves_the_held_one_working()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        h.Control.OmitNextRefreshToken(seeded.GrantId);

        using var omitted = await h.RefreshAsync(seeded.RefreshToken!);
        var token = await Harness.TokenAsync(omitted);

        Assert.False(token.TryGetProperty("refresh_token", out _));
        Assert.False(token.TryGetProperty("refresh_token_expires_in", out _));
        Assert.True(token.TryGetProperty("access_token", out _));
        using var again = await h.RefreshAsync(seeded.RefreshToken!);
        Assert.Equal(seeded.RefreshToken, (await Harness.TokenAsync(again)).GetProperty("refresh_token").GetString());
    }

    [Fact]
    public async Task The_replaced_access_token_dies_at_refresh_by_default()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        using var refreshed = await h.RefreshAsync(seeded.RefreshToken!);
        var newAccess = (await Harness.TokenAsync(refreshed)).GetProperty("access_token").GetString()!;

        using var old = await h.UserInfoAsync(seeded.AccessToken);
        using var current = await h.UserInfoAsync(newAccess);

        await Harness.ApiErrorAsync(old, HttpStatusCode.Unauthorized, "REVOKED_ACCESS_TOKEN", 65601);
        Assert.Equal(HttpStatusCode.OK, current.StatusCode);
    }

    [Fact]
    public async Task With_a_grace_the_replaced_access_token_works_until_the_grace_ends()
    {
        await using var h = await Harness.StartAsync(s => s.OldAccessTokenGrace = TimeSpan.FromSeconds(300));
        var seeded = h.Seed();
        using var refreshed = await h.RefreshAsync(seeded.RefreshToken!);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);

        h.Time.Advance(TimeSpan.FromSeconds(299));
        using (var inGrace = await h.UserInfoAsync(seeded.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, inGrace.StatusCode);
        }

        h.Time.Advance(TimeSpan.FromSeconds(1));
        using var after = await h.UserInfoAsync(seeded.AccessToken);
        await Harness.ApiErrorAsync(after, HttpStatusCode.Unauthorized, "REVOKED_ACCESS_TOKEN", 65601);
    }

    [Fact]
    public async Task A_new_access_token_can_be_made_to_activate_late()
    {
        await using var h = await Harness.StartAsync(s => s.NewAccessTokenActivationDelay = TimeSpan.FromSeconds(5));
        var seeded = h.Seed();

        using (var early = await h.UserInfoAsync(seeded.AccessToken))
        {
            await Harness.ApiErrorAsync(early, HttpStatusCode.Unauthorized, "REVOKED_ACCESS_TOKEN", 65601);
        }

        h.Time.Advance(TimeSpan.FromSeconds(5));
        using var later = await h.UserInfoAsync(seeded.AccessToken);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
    }

    [Fact]
    public async Task Concurrent_refreshes_of_one_grant_all_succeed_with_distinct_access_tokens()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => h.RefreshAsync(seeded.RefreshToken!)));
        var tokens = await Task.WhenAll(responses.Select(Harness.TokenAsync));

        Assert.Equal(200, tokens.Select(t => t.GetProperty("access_token").GetString()).Distinct().Count());
        Assert.All(tokens, t => Assert.Equal(seeded.RefreshToken, t.GetProperty("refresh_token").GetString()));
        Assert.Equal(200, h.Control.Requests.Count(r => r.GrantId == seeded.GrantId && r.GrantType == "refresh_token" && r.Status == 200));
    }
}
