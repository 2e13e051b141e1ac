using System.Net;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Api;

public sealed class UserInfoTests
{
    [Fact]
    public async Task Userinfo_returns_the_member_with_an_object_locale()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.UserInfoAsync(seeded.AccessToken);

        var body = await Harness.TokenAsync(response);
        Assert.Equal(The.MemberSub, body.GetProperty("sub").GetString());
        Assert.Equal(The.MemberName, body.GetProperty("name").GetString());
        Assert.Equal("Ada", body.GetProperty("given_name").GetString());
        Assert.Equal("Lovelace", body.GetProperty("family_name").GetString());
        Assert.Equal("US", body.GetProperty("locale").GetProperty("country").GetString());
        Assert.Equal("en", body.GetProperty("locale").GetProperty("language").GetString());
        Assert.Equal(The.MemberEmail, body.GetProperty("email").GetString());
        Assert.True(body.GetProperty("email_verified").GetBoolean());
        Assert.StartsWith("https://", body.GetProperty("picture").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_email_scope_there_is_no_email()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed("openid profile");

        using var response = await h.UserInfoAsync(seeded.AccessToken);

        var body = await Harness.TokenAsync(response);
        Assert.False(body.TryGetProperty("email", out _));
        Assert.False(body.TryGetProperty("email_verified", out _));
    }

    [Theory]
    [InlineData("openid w_member_social")]
    [InlineData("profile w_member_social")]
    public async Task Userinfo_needs_openid_and_profile(string scopes)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed(scopes);

        using var response = await h.UserInfoAsync(seeded.AccessToken);

        var body = await Harness.ApiErrorAsync(response, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100);
        Assert.Equal("Not enough permissions to access: userinfo.GET.NO_VERSION", body.GetProperty("message").GetString());
    }
}
