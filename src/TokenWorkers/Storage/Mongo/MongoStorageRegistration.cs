using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;

namespace TokenWorkers.Storage.Mongo;

public static class MongoStorageRegistration
{
    /// <summary>
    /// The MongoDB connection store: options from <c>Storage:Mongo</c> validated at start-up, the shared
    /// <see cref="MongoStoreContext"/>, the store as <see cref="IConnectionStore"/>, and a <c>mongodb</c>
    /// readiness check. Needs an <see cref="IMongoTokenCodec"/> registered by the caller (the token protector's adapter).
    /// </summary>
    public static IServiceCollection AddMongoConnectionStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MongoStorageOptions>()
            .Bind(configuration.GetSection(MongoStorageOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MongoStorageOptions>, MongoStorageOptionsValidator>());
        services.TryAddSingleton(sp => new MongoStoreContext(
            sp.GetRequiredService<IOptions<MongoStorageOptions>>(),
            sp.GetRequiredService<ILogger<MongoStoreContext>>()));
        services.TryAddSingleton<MongoConnectionStore>();
        services.AddSingleton<IConnectionStore>(sp => sp.GetRequiredService<MongoConnectionStore>());
        services.AddHealthChecks().AddCheck<MongoHealthCheck>("mongodb", tags: ["ready"]);
        return services;
    }
}
