using System.Net;
using System.Text.RegularExpressions;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Api;

public sealed partial class UgcPostsTests
{
    [Fact]
    public async Task A_text_share_is_created_with_LinkedIns_headers_and_body()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.UgcPostAsync(seeded.AccessToken, "Hello World!");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var urn = Assert.Single(response.Headers.GetValues("x-restli-id"));
        Assert.Matches(ShareUrn(), urn);
        Assert.Equal("/ugcPosts/" + urn, response.Headers.Location!.OriginalString);
        Assert.Equal("2.0.0", Assert.Single(response.Headers.GetValues("x-restli-protocol-version")));
        Assert.Equal(urn, (await Harness.JsonAsync(response)).GetProperty("id").GetString());
        var post = Assert.Single(h.Control.Posts);
        Assert.Equal((urn, The.PersonUrn, "Hello World!"), (post.Urn, post.Author, post.Text));
    }

    [Fact]
    public async Task An_article_share_is_accepted_and_needs_its_url()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        const string Article = """
            {"author":"urn:li:person:Mem8er_x1Q","lifecycleState":"PUBLISHED",
             "specificContent":{"com.linkedin.ugc.ShareContent":{"shareCommentary":{"text":"Read this"},"shareMediaCategory":"ARTICLE",
               "media":[{"status":"READY","originalUrl":"https://example.com/post","title":{"text":"T"},"description":{"text":"D"}}]}},
             "visibility":{"com.linkedin.ugc.MemberNetworkVisibility":"CONNECTIONS"}}
            """;

        using var created = await h.UgcPostJsonAsync(seeded.AccessToken, Article);
        using var noUrl = await h.UgcPostJsonAsync(seeded.AccessToken, Article.Replace("\"originalUrl\":\"https://example.com/post\",", "", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("https://example.com/post", Assert.Single(h.Control.Posts).ArticleUrl);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noUrl.StatusCode);
        Assert.StartsWith("ERROR :: /specificContent/com.linkedin.ugc.ShareContent/media/0/originalUrl :: ",
            (await Harness.JsonAsync(noUrl)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_restli_protocol_header_is_required()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.UgcPostAsync(seeded.AccessToken, "Hello", restli: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, (await Harness.JsonAsync(response)).GetProperty("status").GetInt32());
        Assert.Empty(h.Control.Posts);
    }

    [Fact]
    public async Task Posting_needs_w_member_social()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed("openid profile");

        using var response = await h.UgcPostAsync(seeded.AccessToken, "Hello");

        var body = await Harness.ApiErrorAsync(response, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100);
        Assert.Equal("Not enough permissions to access: ugcPosts.CREATE.NO_VERSION", body.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("urn:li:person:" + The.OtherMemberSub)]
    [InlineData("urn:li:organization:12345")]
    public async Task Posting_as_someone_else_is_access_denied(string author)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.UgcPostAsync(seeded.AccessToken, "Hello", author);

        await Harness.ApiErrorAsync(response, HttpStatusCode.Forbidden, "ACCESS_DENIED", 100);
        Assert.Empty(h.Control.Posts);
    }

    [Theory]
    [InlineData("urn:li:person:")]
    [InlineData("urn:li:person:has spaces")]
    [InlineData("Mem8er_x1Q")]
    [InlineData("urn:li:member:abc")]
    public async Task A_malformed_author_is_422_in_the_gateway_style(string author)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.UgcPostAsync(seeded.AccessToken, "Hello", author);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var body = await Harness.JsonAsync(response);
        Assert.Equal(422, body.GetProperty("status").GetInt32());
        var message = body.GetProperty("message").GetString()!;
        Assert.StartsWith($"ERROR :: /author :: \"{author}\" does not match ", message, StringComparison.Ordinal);
        Assert.EndsWith("\n", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Three_thousand_emoji_fit_but_three_thousand_and_one_do_not()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        var fits = string.Concat(Enumerable.Repeat("😀", 3000));
        Assert.Equal(6000, fits.Length);

        using var accepted = await h.UgcPostAsync(seeded.AccessToken, fits);
        using var refused = await h.UgcPostAsync(seeded.AccessToken, fits + "😀");

        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("length 3001 exceeds", (await Harness.JsonAsync(refused)).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_text_within_a_day_is_a_duplicate_naming_the_earlier_post()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        using var first = await h.UgcPostAsync(seeded.AccessToken, "Same words");
        var urn = Assert.Single(first.Headers.GetValues("x-restli-id"));
        h.Time.Advance(TimeSpan.FromHours(23));

        using var duplicate = await h.UgcPostAsync(seeded.AccessToken, "Same words");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, duplicate.StatusCode);
        var body = await Harness.JsonAsync(duplicate);
        Assert.Equal("com.linkedin.common.error.BadRequest", body.GetProperty("errorDetailType").GetString());
        Assert.Equal("com.linkedin.content.common.exception.BadRequestResponseException: Content is a duplicate of " + urn, body.GetProperty("message").GetString());
        var inputError = Assert.Single(body.GetProperty("errorDetails").GetProperty("inputErrors").EnumerateArray());
        Assert.Equal("Duplicate post is detected", inputError.GetProperty("description").GetString());
        Assert.Equal("DUPLICATE_POST", inputError.GetProperty("code").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, inputError.GetProperty("input").ValueKind);
        Assert.Equal(422, body.GetProperty("status").GetInt32());

        h.Time.Advance(TimeSpan.FromHours(1));
        using var nextDay = await h.UgcPostAsync(seeded.AccessToken, "Same words");
        Assert.Equal(HttpStatusCode.Created, nextDay.StatusCode);
    }

    [Fact]
    public async Task The_duplicate_window_is_configurable_and_per_author()
    {
        await using var h = await Harness.StartAsync(s => s.DuplicatePostWindow = TimeSpan.FromHours(1));
        var ada = h.Seed();
        var grace = h.Seed(memberSub: The.OtherMemberSub);
        using var first = await h.UgcPostAsync(ada.AccessToken, "Shared words");
        using var otherAuthor = await h.UgcPostAsync(grace.AccessToken, "Shared words", "urn:li:person:" + The.OtherMemberSub);
        h.Time.Advance(TimeSpan.FromHours(1));

        using var again = await h.UgcPostAsync(ada.AccessToken, "Shared words");

        Assert.Equal(HttpStatusCode.Created, otherAuthor.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    [Fact]
    public async Task Racing_identical_posts_create_exactly_one()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => h.UgcPostAsync(seeded.AccessToken, "Race")));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity));
        Assert.Single(h.Control.Posts);
    }

    [Theory]
    [InlineData("{\"author\": ")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("")]
    public async Task Bad_json_is_400_not_500(string json)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();

        using var response = await h.UgcPostJsonAsync(seeded.AccessToken, json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, (await Harness.JsonAsync(response)).GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("lifecycleState", "/lifecycleState")]
    [InlineData("visibility", "/visibility/com.linkedin.ugc.MemberNetworkVisibility")]
    [InlineData("specificContent", "/specificContent/com.linkedin.ugc.ShareContent")]
    public async Task A_missing_field_is_named_in_a_422(string field, string path)
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        var json = System.Text.Json.Nodes.JsonNode.Parse(Harness.UgcBody("Hello", The.PersonUrn))!.AsObject();
        json.Remove(field);

        using var response = await h.UgcPostJsonAsync(seeded.AccessToken, json.ToJsonString());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal($"ERROR :: {path} :: field is required but not found and has no default value\n",
            (await Harness.JsonAsync(response)).GetProperty("message").GetString());
    }

    [GeneratedRegex(@"^urn:li:share:\d{19}$")]
    private static partial Regex ShareUrn();
}
