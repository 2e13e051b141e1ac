using Microsoft.AspNetCore.Http;
using TokenWorkers.Admin;
using TokenWorkers.LinkedIn;
using TokenWorkers.Proxy;

namespace TokenWorkers.Tests.Admin;

/// <summary>The proxy's path check, the URL it builds under the API base, the headers it passes on, and tenant-bound keys.</summary>
public sealed class ProxyTargetTests
{
    [Theory]
    [InlineData("/proxy/linkedin/c1/v2/userinfo", "v2/userinfo")]
    [InlineData("/proxy/linkedin/c1/rest/posts/urn%3Ali%3Ashare%3A123", "rest/posts/urn%3Ali%3Ashare%3A123")]
    [InlineData("/proxy/linkedin/c1/rest/posts/urn:li:share:123", "rest/posts/urn:li:share:123")]
    [InlineData("/proxy/linkedin/c1/v2/organizationAcls?q=roleAssignee&state=APPROVED", "v2/organizationAcls?q=roleAssignee&state=APPROVED")]
    [InlineData("/proxy/linkedin/c1/rest/organizations/123?x=a/../b", "rest/organizations/123?x=a/../b")]
    public void A_plain_path_and_its_query_pass_unchanged(string rawTarget, string expected)
    {
        Assert.Equal((expected, null), ProxyTarget.Parse(rawTarget));
    }

    [Theory]
    [InlineData("/proxy/linkedin/c1/v2/../admin")]
    [InlineData("/proxy/linkedin/c1/v2/%2E%2e/admin")]
    [InlineData("/proxy/linkedin/c1/v2/%2e/me")]
    [InlineData("/proxy/linkedin/c1/v2%2Fme")]
    [InlineData("/proxy/linkedin/c1/v2%5cme")]
    [InlineData("/proxy/linkedin/c1/v2\\me")]
    [InlineData("/proxy/linkedin/c1//evil.example")]
    [InlineData("/proxy/linkedin/c1/v2/me/")]
    [InlineData("/proxy/linkedin/c1/http:%2F%2Fevil.example")]
    [InlineData("/proxy/linkedin/c1/https:evil.example")]
    [InlineData("/proxy/linkedin/c1/a@evil.example/v2")]
    [InlineData("/proxy/linkedin/c1/v2/%252e%252e/me")]
    [InlineData("/proxy/linkedin/c1/v2/%zz")]
    [InlineData("/proxy/linkedin/c1/v2/%00me")]
    [InlineData("/proxy/linkedin/c1/")]
    [InlineData("/proxy/linkedin/c1")]
    [InlineData("http://evil.example/proxy/linkedin/c1/v2/me")]
    [InlineData("/proxy/linkedin/c1/v2/me?x=1#frag")]
    public void A_trick_is_refused_with_a_reason(string rawTarget)
    {
        var (path, refusal) = ProxyTarget.Parse(rawTarget);

        Assert.Null(path);
        Assert.False(string.IsNullOrWhiteSpace(refusal));
    }

    [Theory]
    [InlineData("https://api.linkedin.com/", "v2/me", "https://api.linkedin.com/v2/me")]
    [InlineData("http://127.0.0.1:5100/", "rest/posts/urn%3Ali%3Ashare%3A1?x=1", "http://127.0.0.1:5100/rest/posts/urn%3Ali%3Ashare%3A1?x=1")]
    [InlineData("http://sandbox:8080/linkedin", "v2/me", "http://sandbox:8080/linkedin/v2/me")]
    public void The_url_is_the_base_with_the_path_appended(string apiBase, string pathAndQuery, string expected)
    {
        Assert.Equal(expected, LinkedInPassThroughClient.TargetOf(new Uri(apiBase), pathAndQuery)?.OriginalString);
    }

    [Theory]
    [InlineData("/..")]
    [InlineData("@evil.example/x")]
    public void A_url_that_would_leave_the_base_is_not_built(string pathAndQuery)
    {
        // The path check refuses these first; the client refuses them again rather than trust its caller.
        var target = LinkedInPassThroughClient.TargetOf(new Uri("http://sandbox:8080/linkedin/"), "x/" + pathAndQuery);
        Assert.True(target is null || (target.Host == "sandbox" && target.AbsolutePath.StartsWith("/linkedin/", StringComparison.Ordinal)));
    }

    [Fact]
    public void Only_the_headers_that_describe_the_call_are_passed_on()
    {
        var headers = new HeaderDictionary
        {
            ["Authorization"] = "Bearer caller-key",
            ["Cookie"] = "session=1",
            ["X-Api-Key"] = "caller-key",
            ["Connection"] = "keep-alive",
            ["X-Forwarded-For"] = "10.0.0.1",
            ["Host"] = "evil.example",
            ["LinkedIn-Version"] = "202602",
            ["X-Restli-Protocol-Version"] = "2.0.0",
        };

        var picked = ProxyHeaders.Pick(headers);

        Assert.Equal(["LinkedIn-Version=202602", "X-Restli-Protocol-Version=2.0.0"], picked.Select(h => $"{h.Key}={h.Value}"));
    }

    [Fact]
    public void A_key_bound_to_tenants_may_hold_only_the_proxy_and_access_token_scopes_and_admin_never_includes_access_token()
    {
        var options = new AdminOptions { Enabled = true };
        options.Keys.Add(Key("bound-proxy", "key-bound-proxy-0123456789abcdef", ["proxy", "access-token"], ["t1", "t2"]));
        options.Keys.Add(Key("bound-reader", "key-bound-reader-0123456789abcdef", ["read"], ["t1"]));

        var (set, problems) = AdminKeySet.Build(options);

        Assert.Null(set);
        Assert.Contains(problems, p => p.Contains("bound-reader", StringComparison.Ordinal) && p.Contains("read", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("bound-proxy", StringComparison.Ordinal));

        options.Keys.RemoveAt(1);
        var bound = AdminKeySet.Build(options).Set!.Find("key-bound-proxy-0123456789abcdef")!;
        Assert.True(bound.Reaches("t2"));
        Assert.False(bound.Reaches("t3"));
        Assert.True(bound.Allows(AdminScopes.AccessToken));
        var all = new AdminIdentity("admin", new HashSet<string> { AdminScopes.All });
        Assert.True(all.Allows(AdminScopes.Proxy));
        Assert.False(all.Allows(AdminScopes.AccessToken));
        Assert.True(all.Reaches("any"));
    }

    private static AdminKeyOptions Key(string name, string key, string[] scopes, string[] tenants)
    {
        var options = new AdminKeyOptions { Name = name, Key = key };
        foreach (var scope in scopes)
        {
            options.Scopes.Add(scope);
        }

        foreach (var tenant in tenants)
        {
            options.Tenants.Add(tenant);
        }

        return options;
    }
}
