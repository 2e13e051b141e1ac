using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenWorkers.Admin;
using TokenWorkers.Connect;
using TokenWorkers.LinkedIn;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;
using TokenWorkers.Proxy;
using TokenWorkers.Publishing;
using TokenWorkers.Refresh;
using TokenWorkers.Runtime;
using TokenWorkers.Storage;
using TokenWorkers.Storage.Mongo;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Hosting;

public static class WorkerRegistration
{
    /// <summary>Everything the worker runs, in start-up order: store, LinkedIn, refresh, bus, then the scheduler.</summary>
    /// <param name="configureBus">
    /// Consumers of a host that composes the worker, added to the worker's bus after its own
    /// (see <see cref="MessagingRegistration.AddTokenWorkersMessaging"/>). The worker itself passes none.
    /// </param>
    public static IHostApplicationBuilder AddTokenWorkers(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configureBus = null)
    {
        builder.AddTokenWorkersLogging();
        builder.Services.AddTokenWorkersCore(builder.Configuration);
        builder.Services
            .AddTokenWorkersMessaging(builder.Configuration, configureBus)
            .AddTokenWorkersScheduling(builder.Configuration)
            .AddTokenWorkersTelemetry(builder.Configuration);
        var mongo = StorageProviders.Is(builder.Configuration[$"{StorageOptions.SectionName}:Provider"] ?? StorageProviders.Sqlite, StorageProviders.Mongo);
        var health = builder.Services.AddHealthChecks();
        if (mongo)
        {
            health.AddCheck<MongoHealthCheck>("mongodb", tags: ["ready"]);
        }
        else
        {
            health.AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        }

        health.AddCheck<LinkedInHealthCheck>("linkedin", tags: ["ready"]);
        health.AddCheck<LinkedInVersionHealthCheck>("linkedin-version", tags: ["ready"]);
        // Degraded, never unhealthy: one broken app must not take the instance serving the others out of service.
        health.AddCheck<LinkedInAppsHealthCheck>("linkedin-apps", tags: ["ready"]);

        return builder;
    }

    /// <summary>The worker's services without transport and scheduler: what tests compose with their own bus.</summary>
    public static IServiceCollection AddTokenWorkersCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkerIdentity>();
        services.AddValidatedOptions<AuditOptions>(AuditOptions.SectionName);
        services.TryAddSingleton<Auditor>();
        services.AddMetrics();
        services.TryAddSingleton<FleetMonitor>();
        services.TryAddSingleton<KeyUsageMonitor>();
        services.TryAddSingleton<UnreadableConnections>();
        services.TryAddSingleton<TokenWorkersMetrics>();
        services.TryAddSingleton<LinkedInAppProblems>();
        services.AddConnectionStore();
        services.AddLinkedIn();
        services.AddOutbox();
        services.AddConnectFlow(configuration);
        services.AddRefresh();
        services.AddPublishing();
        services.AddAdmin(configuration);
        services.AddProxy(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RefreshOptions>, LeaseCoverageValidator.ForRefresh>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PublishingOptions>, LeaseCoverageValidator>());
        return services;
    }
}
