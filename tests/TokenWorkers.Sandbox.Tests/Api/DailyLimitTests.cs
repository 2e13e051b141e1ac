using System.Net;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Api;

public sealed class DailyLimitTests
{
    [Fact]
    public async Task The_member_post_limit_answers_429_until_midnight_utc()
    {
        await using var h = await Harness.StartAsync(s => s.MemberDailyPostLimit = 3);
        h.Time.SetUtcNow(new DateTimeOffset(2026, 3, 10, 23, 0, 0, TimeSpan.Zero));
        var seeded = h.Seed();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await h.UgcPostAsync(seeded.AccessToken, $"post {i}");
            Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        }

        using var throttled = await h.UgcPostAsync(seeded.AccessToken, "post 3");

        var body = await Harness.ApiErrorAsync(throttled, HttpStatusCode.TooManyRequests, "TOO_MANY_REQUESTS", 101);
        Assert.Equal("Resource level throttle APPLICATION_AND_MEMBER DAY limit for calls to this resource is reached.", body.GetProperty("message").GetString());
        Assert.Null(throttled.Headers.RetryAfter);
        h.Time.SetUtcNow(new DateTimeOffset(2026, 3, 10, 23, 59, 59, TimeSpan.Zero));
        using (var stillThrottled = await h.PostAsync(seeded.AccessToken, "post 4"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, stillThrottled.StatusCode);
        }

        h.Time.SetUtcNow(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.Zero));
        using var nextDay = await h.UgcPostAsync(seeded.AccessToken, "post 5");
        Assert.Equal(HttpStatusCode.Created, nextDay.StatusCode);
    }

    [Fact]
    public async Task The_member_limit_is_per_member()
    {
        await using var h = await Harness.StartAsync(s => s.MemberDailyPostLimit = 1);
        var ada = h.Seed();
        var grace = h.Seed(memberSub: The.OtherMemberSub);
        using var adaFirst = await h.UgcPostAsync(ada.AccessToken, "one");
        using var adaSecond = await h.UgcPostAsync(ada.AccessToken, "two");

        using var graceFirst = await h.UgcPostAsync(grace.AccessToken, "one", "urn:li:person:" + The.OtherMemberSub);

        Assert.Equal(HttpStatusCode.TooManyRequests, adaSecond.StatusCode);
        Assert.Equal(HttpStatusCode.Created, graceFirst.StatusCode);
        using var userinfo = await h.UserInfoAsync(ada.AccessToken);
        Assert.Equal(HttpStatusCode.OK, userinfo.StatusCode);
    }

    [Fact]
    public async Task The_application_limit_counts_every_member_and_endpoint()
    {
        await using var h = await Harness.StartAsync(s => s.ApplicationDailyCallLimit = 3);
        var ada = h.Seed();
        var grace = h.Seed(memberSub: The.OtherMemberSub);
        using var one = await h.UserInfoAsync(ada.AccessToken);
        using var two = await h.UserInfoAsync(grace.AccessToken);
        using var three = await h.UgcPostAsync(ada.AccessToken, "three");

        using var four = await h.UserInfoAsync(grace.AccessToken);

        Assert.All(new[] { one, two }, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.Created, three.StatusCode);
        var body = await Harness.ApiErrorAsync(four, HttpStatusCode.TooManyRequests, "TOO_MANY_REQUESTS", 101);
        Assert.Contains("APPLICATION DAY", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        h.Time.SetUtcNow(The.Start.Date.AddDays(1));
        using var tomorrow = await h.UserInfoAsync(grace.AccessToken);
        Assert.Equal(HttpStatusCode.OK, tomorrow.StatusCode);
    }

    [Fact]
    public async Task The_default_member_limit_is_150_posts()
    {
        await using var h = await Harness.StartAsync();
        var seeded = h.Seed();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 151; i++)
        {
            using var response = await h.PostAsync(seeded.AccessToken, $"post {i}");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(150, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }
}
