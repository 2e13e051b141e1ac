using MassTransit;
using MassTransit.MessageData;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Ports;
using TokenWorkers.Posts;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Storage.Mongo;
using TokenWorkers.Storage.Sqlite;

namespace TokenWorkers.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The folder of <c>Storage:DataDirectory</c> that holds the message-data repository (image bytes senders put there).</summary>
    public const string MessageDataFolder = "message-data";

    /// <summary>
    /// Registers the connection store chosen by <c>Storage:Provider</c>, the token protector and their
    /// validated options (a bad setting stops the host at start-up), and creates the schema at start-up.
    /// </summary>
    /// <remarks>
    /// The provider is chosen when the store is first resolved, from the bound options, so settings added
    /// late (by a test host, for example) are honoured. Adapters are registered lazily: an adapter that is
    /// not chosen is never constructed.
    /// </remarks>
    public static IServiceCollection AddConnectionStore(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.AddOptions<EncryptionOptions>().BindConfiguration(EncryptionOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EncryptionOptions>, EncryptionOptionsValidator>());

        services.TryAddSingleton<ITokenProtector, AesGcmTokenProtector>();
        services.TryAddSingleton(serviceProvider => new SqliteDatabase(
            Path.Combine(serviceProvider.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory, SqliteConnectionStore.FileName)));
        services.TryAddSingleton(serviceProvider => new SqliteConnectionStore(
            serviceProvider.GetRequiredService<SqliteDatabase>(),
            serviceProvider.GetRequiredService<ITokenProtector>(),
            serviceProvider.GetRequiredService<ILogger<SqliteConnectionStore>>()));

        services.TryAddSingleton<IConnectionStore>(serviceProvider =>
        {
            // Reading Value runs the validators, so an unknown provider has already been reported here.
            var provider = serviceProvider.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
            if (StorageProviders.Is(provider, StorageProviders.Mongo))
            {
                // Reading the Mongo options validates them: a missing or bad Storage:Mongo:ConnectionString stops start-up here.
                _ = serviceProvider.GetRequiredService<IOptions<MongoStorageOptions>>().Value;
                return serviceProvider.GetRequiredService<MongoConnectionStore>();
            }

            return serviceProvider.GetRequiredService<SqliteConnectionStore>();
        });

        // The claim check for images (PublishPost.Images[].Data): MassTransit's file-system repository under the data directory,
        // for either store (MassTransit.MongoDb, its GridFS repository, is not available here: see docs/images.md).
        services.TryAddSingleton<IMessageDataRepository>(serviceProvider => new FileSystemMessageDataRepository(new DirectoryInfo(
            Path.Combine(serviceProvider.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory, MessageDataFolder))));
        services.TryAddSingleton(serviceProvider => new SqlitePostLedger(serviceProvider.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IPostLedger>(serviceProvider =>
        {
            var provider = serviceProvider.GetRequiredService<IOptions<StorageOptions>>().Value.Provider;
            return StorageProviders.Is(provider, StorageProviders.Mongo)
                ? serviceProvider.GetRequiredService<MongoPostLedger>()
                : serviceProvider.GetRequiredService<SqlitePostLedger>();
        });

        services.TryAddSingleton(serviceProvider => new SqliteAuditTrail(serviceProvider.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IAuditTrail>(serviceProvider => IsMongo(serviceProvider)
            ? serviceProvider.GetRequiredService<MongoAuditTrail>()
            : serviceProvider.GetRequiredService<SqliteAuditTrail>());
        services.TryAddSingleton(serviceProvider => new SqliteConnectSessions(serviceProvider.GetRequiredService<SqliteDatabase>()));
        services.TryAddSingleton<IConnectSessions>(serviceProvider => IsMongo(serviceProvider)
            ? serviceProvider.GetRequiredService<MongoConnectSessions>()
            : serviceProvider.GetRequiredService<SqliteConnectSessions>());

        services.AddMongoConnectionStore();
        services.AddHostedService<ConnectionStoreInitializer>();
        return services;
    }

    private static bool IsMongo(IServiceProvider serviceProvider) =>
        StorageProviders.Is(serviceProvider.GetRequiredService<IOptions<StorageOptions>>().Value.Provider, StorageProviders.Mongo);
}
