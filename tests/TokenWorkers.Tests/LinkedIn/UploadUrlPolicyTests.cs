using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;

namespace TokenWorkers.Tests.LinkedIn;

/// <summary>Where image bytes (and the token with them) may be sent, and that the setting naming extra hosts binds and is used.</summary>
public sealed class UploadUrlPolicyTests
{
    private static readonly UploadUrlPolicy Production = new(new Uri("https://api.linkedin.com/"), []);

    [Theory]
    [InlineData("https://www.linkedin.com/dms-uploads/C4E10AQ/uploaded-image/0?ca=vector_ads&ut=x")]
    [InlineData("https://api.linkedin.com/mediaUpload/C5522AQ/feedshare-uploadedImage/0?ut=x")]
    [InlineData("https://WWW.LinkedIn.com/dms-uploads/C4E10AQ/uploaded-image/0")]
    [InlineData("https://www.linkedin.com:443/dms-uploads/C4E10AQ/uploaded-image/0")]
    public void LinkedIns_upload_hosts_over_https_are_allowed(string url) => Assert.Null(Production.Refusal(new Uri(url)));

    [Theory]
    [InlineData("http://www.linkedin.com/dms-uploads/X/uploaded-image/0")]
    [InlineData("https://www.linkedin.com:444/dms-uploads/X/uploaded-image/0")]
    [InlineData("https://linkedin.com.attacker.example/dms-uploads/X")]
    [InlineData("https://attacker.example/?host=www.linkedin.com")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://user@www.linkedin.com/dms-uploads/X")]
    [InlineData("file:///etc/passwd")]
    public void Anything_else_is_refused_naming_the_host_but_not_the_query(string url)
    {
        var refusal = Production.Refusal(new Uri(url));

        Assert.NotNull(refusal);
        Assert.StartsWith("Refused to upload the image to ", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("host=", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configured_extra_hosts_bind_and_are_allowed_over_https_only()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LinkedIn:ClientId"] = "id",
            ["LinkedIn:ClientSecret"] = "secret",
            ["LinkedIn:ImageUploadHosts:0"] = "uploads.example.com",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddMetrics()
            .AddSingleton(TimeProvider.System).AddLinkedIn().BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<LinkedInOptions>>().Value;
        var policy = new UploadUrlPolicy(options.ApiBaseUrl, options.ImageUploadHosts);

        Assert.IsType<LinkedInImagesClient>(provider.GetRequiredService<ILinkedInImages>());
        Assert.Equal(["uploads.example.com"], options.ImageUploadHosts);
        Assert.Null(policy.Refusal(new Uri("https://uploads.example.com/dms-uploads/X")));
        Assert.NotNull(policy.Refusal(new Uri("http://uploads.example.com/dms-uploads/X")));
    }
}
