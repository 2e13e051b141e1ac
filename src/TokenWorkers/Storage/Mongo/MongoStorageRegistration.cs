using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace TokenWorkers.Storage.Mongo;

public static class MongoStorageRegistration
{
    /// <summary>
    /// The MongoDB connection store's parts: options from <c>Storage:Mongo</c> (validated when the store is
    /// first resolved, which start-up does when <c>Storage:Provider</c> is <c>Mongo</c>; a SQLite deployment
    /// never needs them), the shared <see cref="MongoStoreContext"/>, the token codec over the worker's
    /// protector, and <see cref="MongoConnectionStore"/>. <c>AddConnectionStore</c> decides whether it is the
    /// <see cref="IConnectionStore"/>; nothing here is constructed unless it is.
    /// </summary>
    public static IServiceCollection AddMongoConnectionStore(this IServiceCollection services)
    {
        services.AddOptions<MongoStorageOptions>().BindConfiguration(MongoStorageOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MongoStorageOptions>, MongoStorageOptionsValidator>());
        services.TryAddSingleton(sp => new MongoStoreContext(
            sp.GetRequiredService<IOptions<MongoStorageOptions>>(),
            sp.GetRequiredService<ILogger<MongoStoreContext>>()));
        services.TryAddSingleton<IMongoTokenCodec, ProtectorMongoCodec>();
        services.TryAddSingleton<MongoConnectionStore>();
        services.TryAddSingleton<MongoPostLedger>();
        services.TryAddSingleton<MongoAuditTrail>();
        services.TryAddSingleton<MongoConnectSessions>();
        return services;
    }
}
