using System.Net;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Api;

/// <summary><c>DELETE /v2/ugcPosts/{urn}</c> and <c>DELETE /rest/posts/{urn}</c>, as docs/linkedin-api.md §11 describes them.</summary>
public sealed class PostDeleteTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_author_deletes_a_post_with_204_and_again_with_204_and_the_record_shows_it_deleted(bool rest)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        var urn = await CreateAsync(h, seeded.AccessToken, "Soon gone");
        h.Time.Advance(TimeSpan.FromMinutes(5));

        using var first = await h.DeletePostAsync(seeded.AccessToken, urn, rest);
        h.Time.Advance(TimeSpan.FromMinutes(5));
        using var second = await h.DeletePostAsync(seeded.AccessToken, urn, rest);

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Empty(await first.Content.ReadAsByteArrayAsync(Harness.Ct));
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        var post = Assert.Single(h.Control.Posts);
        Assert.Equal(The.Start.AddMinutes(5), post.DeletedAt);
        var endpoint = rest ? SandboxEndpoint.DeletePost : SandboxEndpoint.DeleteUgcPost;
        var deletes = h.Control.Requests.Where(r => r.Endpoint == endpoint).ToList();
        Assert.Equal(2, deletes.Count);
        Assert.All(deletes, r => Assert.Equal(urn, r.PostUrn));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Another_members_post_is_403_and_a_URN_no_post_has_is_404_and_neither_changes_anything(bool rest)
    {
        await using var h = await Harness.StartAsync();
        var author = h.Seed();
        var other = h.Seed(memberSub: The.OtherMemberSub);
        var urn = await CreateAsync(h, author.AccessToken, "Mine");

        using var notOwned = await h.DeletePostAsync(other.AccessToken, urn, rest);
        using var unknown = await h.DeletePostAsync(author.AccessToken, "urn:li:ugcPost:7000000000000000001", rest);

        var denied = await Harness.ApiErrorAsync(notOwned, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100);
        Assert.Contains(rest ? "partnerApiPostsExternal.DELETE.202602" : "ugcPosts.DELETE.NO_VERSION", denied.GetProperty("message").GetString(), StringComparison.Ordinal);
        await Harness.ApiErrorAsync(unknown, HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Null(Assert.Single(h.Control.Posts).DeletedAt);
    }

    [Fact]
    public async Task The_headers_scope_and_URN_are_checked_as_for_creating()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        var readOnly = h.Seed("openid profile email", memberSub: The.MemberSub);
        var urn = await CreateAsync(h, seeded.AccessToken, "Checked");

        using var noVersion = await h.DeletePostAsync(seeded.AccessToken, urn, rest: true, version: null);
        using var badVersion = await h.DeletePostAsync(seeded.AccessToken, urn, rest: true, version: "2025-05");
        using var noRestli = await h.DeletePostAsync(seeded.AccessToken, urn, rest: false, restli: false);
        using var noScope = await h.DeletePostAsync(readOnly.AccessToken, urn, rest: false);
        using var notEncoded = await h.DeletePostAsync(seeded.AccessToken, urn, rest: false, encode: false);
        using var doubleEncoded = await h.DeletePostAsync(seeded.AccessToken, Uri.EscapeDataString(urn), rest: false);
        using var malformed = await h.DeletePostAsync(seeded.AccessToken, "urn:li:person:" + The.MemberSub, rest: false);
        using var noToken = await h.DeletePostAsync("not-a-token", urn, rest: false);

        await Harness.ApiErrorAsync(noVersion, HttpStatusCode.BadRequest, "VERSION_MISSING");
        await Harness.ApiErrorAsync(badVersion, (HttpStatusCode)426, "NONEXISTENT_VERSION");
        Assert.Equal(HttpStatusCode.BadRequest, noRestli.StatusCode);
        await Harness.ApiErrorAsync(noScope, HttpStatusCode.Forbidden, "ACCESS_DENIED");
        Assert.Equal(HttpStatusCode.BadRequest, notEncoded.StatusCode);
        Assert.Contains("URL-encoded", await notEncoded.Content.ReadAsStringAsync(Harness.Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, doubleEncoded.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        await Harness.ApiErrorAsync(noToken, HttpStatusCode.Unauthorized, "INVALID_ACCESS_TOKEN");
        Assert.Null(Assert.Single(h.Control.Posts).DeletedAt);
    }

    [Fact]
    public async Task A_deleted_post_still_counts_as_a_duplicate_within_the_window()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        var urn = await CreateAsync(h, seeded.AccessToken, "Same words");
        using var deleted = await h.DeletePostAsync(seeded.AccessToken, urn, rest: false);

        using var again = await h.UgcPostAsync(seeded.AccessToken, "Same words");

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal((HttpStatusCode)422, again.StatusCode);
        Assert.Contains(urn, await again.Content.ReadAsStringAsync(Harness.Ct), StringComparison.Ordinal);
    }

    private static async Task<string> CreateAsync(Harness h, string accessToken, string text)
    {
        using var created = await h.UgcPostAsync(accessToken, text);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return Assert.Single(created.Headers.GetValues("x-restli-id"));
    }
}
