using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Ports;
using TokenWorkers.Refresh;

namespace TokenWorkers.Tests.Hosting;

public class ConfigurationValidationTests
{
    private static OptionsValidationException ValidationFailure<T>(Dictionary<string, string?> settings)
        where T : class
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddLinkedIn();
        services.AddRefresh();
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<T>>().Value);
    }

    [Fact]
    public void A_missing_client_id_is_reported_with_its_setting_name()
    {
        var failure = ValidationFailure<LinkedInOptions>(new() { ["LinkedIn:ClientSecret"] = "x" });

        Assert.Contains(failure.Failures, f => f.StartsWith("LinkedIn:ClientId", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_bad_app_setting_is_reported_by_its_name_and_never_with_a_secret()
    {
        var failure = ValidationFailure<LinkedInOptions>(new()
        {
            ["LinkedIn:Apps:marketing:ClientSecret"] = "SENTINEL-APP-SECRET-1",
            ["LinkedIn:Apps:share:ClientId"] = "tw-share",
            ["LinkedIn:Apps:share:ClientSecret"] = "SENTINEL-APP-SECRET-2",
            ["LinkedIn:Apps:share:ClientSecretFile"] = "/run/secrets/share",
            ["LinkedIn:Apps:bad name:ClientId"] = "x",
        });

        Assert.Contains("LinkedIn:Apps:marketing:ClientId is required.", failure.Failures);
        Assert.Contains(failure.Failures, f => f.StartsWith("LinkedIn:Apps:share:ClientSecret and LinkedIn:Apps:share:ClientSecretFile are both set", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("LinkedIn:Apps:bad name:", StringComparison.Ordinal));
        Assert.DoesNotContain(failure.Failures, f => f.Contains("SENTINEL", StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_app_configured_twice_is_refused_and_apps_alone_need_no_single_app_settings()
    {
        var twice = ValidationFailure<LinkedInOptions>(new()
        {
            ["LinkedIn:ClientId"] = "tw-one",
            ["LinkedIn:ClientSecret"] = "s1",
            ["LinkedIn:Apps:default:ClientId"] = "tw-two",
            ["LinkedIn:Apps:default:ClientSecret"] = "s2",
        });
        Assert.Contains(twice.Failures, f => f.Contains("LinkedIn:Apps:default", StringComparison.Ordinal));

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LinkedIn:Apps:marketing:ClientId"] = "tw-marketing",
            ["LinkedIn:Apps:marketing:ClientSecret"] = "s",
            ["LinkedIn:Apps:share:ClientId"] = "tw-share",
            ["LinkedIn:Apps:share:ClientSecret"] = "s",
            ["LinkedIn:Apps:share:ProgrammaticRefresh"] = "false",
            ["LinkedIn:Apps:share:Scopes"] = "openid  profile",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLinkedIn().BuildServiceProvider();
        var apps = provider.GetRequiredService<ILinkedInApps>();
        Assert.Equal(["marketing", "share"], apps.Names.Order(StringComparer.Ordinal));
        Assert.Null(apps.Find("default"));
        Assert.Equal(new LinkedInAppInfo("share", "tw-share", null, "openid profile", false), apps.Find("share"));
    }

    [Fact]
    public void Today_s_single_app_settings_are_the_app_named_default()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LinkedIn:ClientId"] = "tw-client",
            ["LinkedIn:ClientSecret"] = "s",
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLinkedIn().BuildServiceProvider();

        var app = provider.GetRequiredService<ILinkedInApps>().Find("default");

        Assert.Equal(new LinkedInAppInfo("default", "tw-client", null, null, true), app);
    }

    [Fact]
    public void Every_invalid_refresh_setting_is_reported_at_once()
    {
        var failure = ValidationFailure<RefreshOptions>(new()
        {
            ["Refresh:RetryBaseDelay"] = "01:00:00",
            ["Refresh:RetryMaxDelay"] = "00:01:00",
            ["Refresh:WarningDays:0"] = "0",
            ["Refresh:ScanBatchSize"] = "0",
        });

        Assert.Contains(failure.Failures, f => f.Contains("Refresh:RetryMaxDelay", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("Refresh:WarningDays", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.Contains("Refresh:ScanBatchSize", StringComparison.Ordinal));
    }

    [Fact]
    public void A_client_secret_never_appears_in_a_validation_message()
    {
        var failure = ValidationFailure<LinkedInOptions>(new()
        {
            ["LinkedIn:ClientSecret"] = "SENTINEL-SECRET-123",
            ["LinkedIn:RequestTimeout"] = "01:00:00",
        });

        Assert.DoesNotContain(failure.Failures, f => f.Contains("SENTINEL-SECRET-123", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("LinkedIn:RequestTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_worker_stops_at_start_up_listing_every_bad_setting_by_name_with_exit_code_2()
    {
        var (exitCode, text) = await StartAsync(new Dictionary<string, string?>
        {
            ["LinkedIn:ClientSecret"] = "SENTINEL-SECRET-456",
            ["Refresh:ScanBatchSize"] = "0",
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("LinkedIn:ClientId", text, StringComparison.Ordinal);
        Assert.Contains("Encryption:ActiveKeyId", text, StringComparison.Ordinal);
        Assert.Contains("Refresh:ScanBatchSize", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL-SECRET-456", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }


    [Fact]
    public async Task A_lease_or_claim_shorter_than_the_call_it_covers_stops_start_up_naming_both_settings()
    {
        var (exitCode, text) = await StartAsync(new Dictionary<string, string?>
        {
            ["LinkedIn:ClientId"] = "tw-client",
            ["LinkedIn:ClientSecret"] = "SENTINEL-SECRET-789",
            ["LinkedIn:RequestTimeout"] = "00:05:00",
            ["Refresh:LeaseDuration"] = "00:02:00",
            ["Publishing:ClaimDuration"] = "00:02:00",
            ["Encryption:ActiveKeyId"] = "k1",
            ["Encryption:Keys:k1"] = Convert.ToBase64String(new byte[32]),
        });

        Assert.Equal(2, exitCode);
        Assert.Contains("Refresh:LeaseDuration (00:02:00) must be at least 00:05:35", text, StringComparison.Ordinal);
        Assert.Contains("Publishing:ClaimDuration (00:02:00) must be at least 00:05:35", text, StringComparison.Ordinal);
        Assert.Contains("LinkedIn:RequestTimeout", text, StringComparison.Ordinal);
        Assert.Contains("Refresh:ClockSkewTolerance", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SENTINEL-SECRET-789", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_lease_and_claim_cover_the_default_request_timeout()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LinkedIn:ClientId"] = "tw-client",
            ["LinkedIn:ClientSecret"] = "x",
            ["Encryption:ActiveKeyId"] = "k1",
            ["Encryption:Keys:k1"] = Convert.ToBase64String(new byte[32]),
        }).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging()
            .AddTokenWorkersCore(configuration).BuildServiceProvider();

        Assert.Equal(TimeSpan.FromMinutes(2), provider.GetRequiredService<IOptions<RefreshOptions>>().Value.LeaseDuration);
        Assert.Equal(TimeSpan.FromMinutes(2), provider.GetRequiredService<IOptions<TokenWorkers.Publishing.PublishingOptions>>().Value.ClaimDuration);
    }

    private static async Task<(int ExitCode, string Errors)> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(
            new Microsoft.AspNetCore.Builder.WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTokenWorkers();
        await using var app = builder.Build();
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        try
        {
            return (await app.RunTokenWorkersAsync(), error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}
