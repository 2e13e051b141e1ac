using MassTransit;
using TokenWorkers.Runtime;

namespace TokenWorkers.Demo;

public static class DemoRegistration
{
    /// <summary>The demo fleet's seeder and the demo posts. Call before <c>AddTokenWorkers</c>.</summary>
    /// <remarks>
    /// Hosted services start in registration order. Registered ahead of the worker's bus and scheduler, the
    /// seeder finishes (grants revoked, faults injected) before the first refresh scan can see a connection;
    /// the store's schema is created earlier still, while the host is starting.
    /// </remarks>
    public static IHostApplicationBuilder AddTokenWorkersDemo(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DemoOptions>(DemoOptions.SectionName);
        builder.Services.AddHttpClient(nameof(DemoSeeder));
        builder.Services.AddHostedService<DemoSeeder>();
        builder.Services.AddHostedService<DemoPoster>();
        builder.Services.AddHttpClient(nameof(DemoImporter));
        builder.Services.AddHostedService<DemoImporter>();
        return builder;
    }

    /// <summary>The demo's consumers, for the worker's bus: <c>AddTokenWorkers(configureBus: bus => bus.AddTokenWorkersDemoConsumers())</c>.</summary>
    public static IBusRegistrationConfigurator AddTokenWorkersDemoConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<DemoSubscriber>();
        return bus;
    }
}
