using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Storage;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Storage.Mongo;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage;

public sealed class StorageServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tokenworkers-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_default_provider_is_the_sqlite_store_in_the_configured_data_directory()
    {
        await using var services = BuildServices(ValidSettings());

        var store = services.GetRequiredService<IConnectionStore>();

        var sqlite = Assert.IsType<SqliteConnectionStore>(store);
        Assert.Equal(Path.Combine(_directory, "tokenworkers.db"), sqlite.DatabasePath);
        Assert.Same(store, services.GetRequiredService<IConnectionStore>());
    }

    [Fact]
    public async Task Starting_the_host_creates_the_database_so_the_store_is_ready_for_use()
    {
        using var host = BuildHost(ValidSettings());

        await host.StartAsync(Cancel);
        var store = host.Services.GetRequiredService<IConnectionStore>();
        var inserted = await store.TryInsertAsync(Some.Connection(), Cancel);
        await host.StopAsync(Cancel);

        Assert.NotNull(inserted);
        Assert.True(File.Exists(Path.Combine(_directory, "tokenworkers.db")));
    }

    [Fact]
    public async Task The_mongo_provider_is_chosen_by_setting_and_a_sqlite_deployment_never_needs_its_settings()
    {
        await using var mongo = BuildServices(ValidSettings(
            ("Storage:Provider", "Mongo"), ("Storage:Mongo:ConnectionString", "mongodb://127.0.0.1:1/")));
        await using var sqlite = BuildServices(ValidSettings());

        Assert.IsType<MongoConnectionStore>(mongo.GetRequiredService<IConnectionStore>());
        Assert.IsType<SqliteConnectionStore>(sqlite.GetRequiredService<IConnectionStore>());
    }

    [Fact]
    public async Task The_mongo_provider_without_a_connection_string_stops_the_host_at_start_naming_the_setting()
    {
        using var host = BuildHost(ValidSettings(("Storage:Provider", "Mongo")));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Cancel));

        Assert.Contains("Storage:Mongo:ConnectionString", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_mongo_stops_the_host_at_start_within_a_bounded_time_without_the_password()
    {
        using var host = BuildHost(ValidSettings(
            ("Storage:Provider", "Mongo"),
            ("Storage:Mongo:ConnectionString", "mongodb://worker:S3NTINEL-PW@127.0.0.1:1/"),
            ("Storage:Mongo:ServerSelectionTimeout", "00:00:01")));
        var started = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Cancel));

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"start-up took {started.Elapsed}");
        Assert.Contains("Storage:Mongo:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3NTINEL-PW", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_storage_setting_stops_the_host_at_start_naming_the_setting()
    {
        using var host = BuildHost(ValidSettings(("Storage:Provider", "Postgres")));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Cancel));

        Assert.Contains("Storage:Provider is 'Postgres'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_key_ring_stops_the_host_at_start_naming_every_setting()
    {
        using var host = BuildHost(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _directory });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Cancel));

        Assert.Contains("Encryption:ActiveKeyId", error.Message, StringComparison.Ordinal);
        Assert.Contains("Encryption:Keys", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_directory, "tokenworkers.db")), "nothing should be written before validation");
    }

    [Fact]
    public async Task The_protector_uses_the_configured_key_ring()
    {
        await using var services = BuildServices(ValidSettings());

        var protector = services.GetRequiredService<ITokenProtector>();
        var stored = protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);

        Assert.Equal(The.KeyBId, stored.KeyId);
        Assert.Equal(The.AccessToken, Some.Protector(The.KeyBId).Unprotect(stored, The.ConnectionId, TokenKind.Access));
    }

    // The containers dispose the store, which releases the file, before this runs.
    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private Dictionary<string, string?> ValidSettings(params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = _directory,
            ["Encryption:ActiveKeyId"] = The.KeyBId,
            [$"Encryption:Keys:{The.KeyAId}"] = The.KeyA,
            [$"Encryption:Keys:{The.KeyBId}"] = The.KeyB,
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static ServiceProvider BuildServices(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddConnectionStore();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddConnectionStore();
        return builder.Build();
    }
}
