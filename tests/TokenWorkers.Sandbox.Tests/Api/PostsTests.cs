using System.Net;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Api;

public sealed class PostsTests
{
    [Fact]
    public async Task A_post_is_201_with_only_the_restli_id_and_no_body()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.PostAsync(seeded.AccessToken, "Hello from rest");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var urn = Assert.Single(response.Headers.GetValues("x-restli-id"));
        Assert.Matches(@"^urn:li:share:\d{19}$", urn);
        Assert.Null(response.Headers.Location);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Harness.Ct));
        Assert.Equal(SandboxEndpoint.Posts, Assert.Single(h.Control.Posts).Endpoint);
    }

    [Fact]
    public async Task A_missing_LinkedIn_Version_is_400_VERSION_MISSING()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.PostAsync(seeded.AccessToken, "Hello", version: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(
            """{"status":400,"code":"VERSION_MISSING","message":"A version must be present. Please specify a version by adding the LinkedIn-Version header."}""",
            await response.Content.ReadAsStringAsync(Harness.Ct));
    }

    /// <summary>The clock starts 2026-03-10: 202503 is served until its sunset on the 15th; 202502 is gone; 202604 is not out yet.</summary>
    [Theory]
    [InlineData("202503", null)]
    [InlineData("20250301", null)]
    [InlineData("202603", null)]
    [InlineData("202502", "20250201")]
    [InlineData("202604", "20260401")]
    public async Task Versions_follow_LinkedIns_lifecycle_and_a_refusal_names_the_version_in_its_8_digit_form(string version, string? refusedAs)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.PostAsync(seeded.AccessToken, $"Version {version}", version: version);

        if (refusedAs is null)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        else
        {
            var body = await Harness.ApiErrorAsync(response, (HttpStatusCode)426, "NONEXISTENT_VERSION");
            Assert.Equal($"Requested version {refusedAs} is not active", body.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task A_version_is_sunset_on_the_15th_a_year_after_its_release_unless_the_lifecycle_is_off()
    {
        await using var h = await Harness.StartAsync();
        await using var off = await Harness.StartAsync(s => s.VersionLifecycle = false);
        var seeded = h.Seed();
        var seededOff = off.Seed();
        h.AdvanceDays(5);

        using var sunset = await h.PostAsync(seeded.AccessToken, "After the 15th", version: "202503");
        using var anyVersion = await off.PostAsync(seededOff.AccessToken, "Any version", version: "202001");

        await Harness.ApiErrorAsync(sunset, (HttpStatusCode)426, "NONEXISTENT_VERSION");
        Assert.Equal(HttpStatusCode.Created, anyVersion.StatusCode);
    }

    [Fact]
    public async Task A_malformed_version_is_426_NONEXISTENT_VERSION()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.PostAsync(seeded.AccessToken, "Hello", version: "2025-05");

        var body = await Harness.ApiErrorAsync(response, (HttpStatusCode)426, "NONEXISTENT_VERSION");
        Assert.Equal("Requested version 2025-05 is not active", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task The_author_length_and_duplicate_rules_apply()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var otherMember = await h.PostAsync(seeded.AccessToken, "Hi", "urn:li:person:" + The.OtherMemberSub);
        using var malformed = await h.PostAsync(seeded.AccessToken, "Hi", "urn:li:person:a b");
        using var tooLong = await h.PostAsync(seeded.AccessToken, new string('x', 3001));
        using var first = await h.PostAsync(seeded.AccessToken, "Once");
        using var duplicate = await h.PostAsync(seeded.AccessToken, "Once");

        var denied = await Harness.ApiErrorAsync(otherMember, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100);
        Assert.Equal("Not enough permissions to access: partnerApiPostsExternal.CREATE.202602", denied.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, malformed.StatusCode);
        Assert.StartsWith("ERROR :: /author :: ", (await Harness.JsonAsync(malformed)).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.StartsWith("ERROR :: /commentary :: length 3001", (await Harness.JsonAsync(tooLong)).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate.StatusCode);
        Assert.EndsWith(Assert.Single(first.Headers.GetValues("x-restli-id")), (await Harness.JsonAsync(duplicate)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicates_are_detected_across_ugcPosts_and_posts()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var ugc = await h.UgcPostAsync(seeded.AccessToken, "Either way");
        using var rest = await h.PostAsync(seeded.AccessToken, "Either way");

        Assert.Equal(HttpStatusCode.Created, ugc.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rest.StatusCode);
    }

    [Fact]
    public async Task An_explicit_null_content_is_403_unpermitted_fields()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        var json = Harness.PostsBody("Hello", The.PersonUrn).TrimEnd('}') + ",\"content\":null}";

        using var response = await h.PostJsonAsync(seeded.AccessToken, json);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Unpermitted fields present in REQUEST_BODY", (await Harness.JsonAsync(response)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_article_post_is_accepted()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        var json = Harness.PostsBody("Worth a read", The.PersonUrn).TrimEnd('}')
            + ",\"content\":{\"article\":{\"source\":\"https://example.com/a\",\"title\":\"A\",\"description\":\"D\"}}}";

        using var response = await h.PostJsonAsync(seeded.AccessToken, json);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("https://example.com/a", Assert.Single(h.Control.Posts).ArticleUrl);
    }

    [Fact]
    public async Task Bad_json_is_400()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.PostJsonAsync(seeded.AccessToken, "{oops");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
