using System.Net;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Oauth;

public sealed class RevokeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Revoking_either_token_revokes_the_whole_grant(bool useRefreshToken)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var revoke = await h.PostFormAsync("oauth/v2/revoke",
            ("token", useRefreshToken ? seeded.RefreshToken! : seeded.AccessToken), ("client_id", The.ClientId), ("client_secret", The.ClientSecret));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Empty(await revoke.Content.ReadAsByteArrayAsync(Harness.Ct));
        using var api = await h.UserInfoAsync(seeded.AccessToken);
        await Harness.ApiErrorAsync(api, HttpStatusCode.Unauthorized, "REVOKED_ACCESS_TOKEN", 65601);
        using var refresh = await h.RefreshAsync(seeded.RefreshToken!);
        await Harness.OauthErrorAsync(refresh, HttpStatusCode.BadRequest, "invalid_request");
        using var introspection = await h.IntrospectAsync(seeded.AccessToken);
        Assert.Equal("revoked", (await Harness.TokenAsync(introspection)).GetProperty("status").GetString());
        Assert.True(h.Control.FindGrant(seeded.GrantId)!.IsRevoked);
    }

    [Fact]
    public async Task Revoke_needs_the_apps_credentials()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var revoke = await h.PostFormAsync("oauth/v2/revoke", ("token", seeded.AccessToken), ("client_id", The.ClientId), ("client_secret", "wrong"));

        await Harness.OauthErrorAsync(revoke, HttpStatusCode.Unauthorized, "invalid_client", "Client authentication failed");
        Assert.False(h.Control.FindGrant(seeded.GrantId)!.IsRevoked);
    }

    [Fact]
    public async Task Another_app_cannot_revoke_a_grant_it_does_not_own()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var revoke = await h.PostFormAsync("oauth/v2/revoke", ("token", seeded.AccessToken), ("client_id", The.OtherClientId), ("client_secret", The.OtherClientSecret));

        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.False(h.Control.FindGrant(seeded.GrantId)!.IsRevoked);
    }
}
