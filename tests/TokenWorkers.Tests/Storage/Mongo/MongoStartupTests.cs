using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Hosting;
using TokenWorkers.Storage.Mongo;

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>Start-up, health and composition against a port where no server listens. No server needed.</summary>
public class MongoStartupTests
{
    private const string Password = "s3cretPW";
    private const string NobodyListens = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=500";

    [Fact]
    public async Task A_wrong_connection_string_fails_initialization_within_the_default_timeout_naming_the_setting_and_host()
    {
        using var context = new MongoStoreContext(new MongoStorageOptions { ConnectionString = NobodyListens });
        var store = new MongoConnectionStore(context, new TestTokenCodec());
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<MongoStorageException>(() => store.InitializeAsync(TestContext.Current.CancellationToken));

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Contains("Storage:Mongo:ConnectionString", failure.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1", failure.Message, StringComparison.Ordinal);
        Assert.Contains("no server answered within 5 s", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_start_up_failure_never_shows_the_password_of_the_connection_string()
    {
        using var context = new MongoStoreContext(new MongoStorageOptions
        {
            ConnectionString = $"mongodb://user:{Password}@127.0.0.1:1",
            ServerSelectionTimeout = TimeSpan.FromMilliseconds(500),
        });
        var store = new MongoConnectionStore(context, new TestTokenCodec());

        var failure = await Assert.ThrowsAsync<MongoStorageException>(() => store.InitializeAsync(TestContext.Current.CancellationToken));

        TestContext.Current.TestOutputHelper?.WriteLine(failure.ToString());
        Assert.Contains("Storage:Mongo:ConnectionString", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, context.Hosts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_health_check_is_unhealthy_within_its_timeout_when_no_server_answers()
    {
        using var context = new MongoStoreContext(new MongoStorageOptions
        {
            ConnectionString = NobodyListens,
            HealthCheckTimeout = TimeSpan.FromMilliseconds(300),
        });
        var check = new MongoHealthCheck(context);
        var clock = Stopwatch.StartNew();

        var result = await check.CheckHealthAsync(HealthContext(check), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Contains("127.0.0.1:1", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_worker_with_the_mongo_provider_uses_the_mongo_store_and_its_ready_health_check()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Mongo",
            ["Storage:Mongo:ConnectionString"] = NobodyListens,
            ["Storage:Mongo:Database"] = "tw_test",
            ["LinkedIn:ClientId"] = "client",
            ["LinkedIn:ClientSecret"] = "secret",
            ["Encryption:ActiveKeyId"] = "k1",
            ["Encryption:Keys:k1"] = Convert.ToBase64String(new byte[32]),
        });
        builder.AddTokenWorkers();
        await using var app = builder.Build();

        var store = app.Services.GetRequiredService<IConnectionStore>();
        var checks = app.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        Assert.IsType<MongoConnectionStore>(store);
        Assert.Same(store, app.Services.GetRequiredService<MongoConnectionStore>());
        Assert.Equal("tw_test", app.Services.GetRequiredService<MongoStoreContext>().Database.DatabaseNamespace.DatabaseName);
        var mongo = Assert.Single(checks, c => c.Name == "mongodb");
        Assert.Contains("ready", mongo.Tags);
        Assert.DoesNotContain(checks, c => c.Name == "store");
    }

    [Fact]
    public void The_registration_validates_the_settings_by_name()
    {
        using var services = Compose(("Storage:Mongo:Database", "tw_test"));

        var failure = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MongoStorageOptions>>().Value);

        Assert.Contains(failure.Failures, f => f.StartsWith("Storage:Mongo:ConnectionString is required", StringComparison.Ordinal));
    }

    private static ServiceProvider Compose(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IMongoTokenCodec, TestTokenCodec>();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddMongoConnectionStore();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static HealthCheckContext HealthContext(IHealthCheck check) => new()
    {
        Registration = new HealthCheckRegistration("mongodb", check, HealthStatus.Unhealthy, ["ready"]),
    };
}
