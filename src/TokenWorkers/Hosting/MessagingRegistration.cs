using MassTransit;
using TokenWorkers.Demo;
using TokenWorkers.Publishing;
using TokenWorkers.Refresh;

namespace TokenWorkers.Hosting;

public static class MessagingRegistration
{
    /// <summary>Every consumer of the worker, registered in one place that the host and the tests both call.</summary>
    public static IBusRegistrationConfigurator AddTokenWorkersConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RefreshDueConsumer, RefreshDueConsumerDefinition>();
        bus.AddConsumer<PublishPostConsumer, PublishPostConsumerDefinition>();
        return bus;
    }

    /// <summary>MassTransit with kebab-case endpoint names, on the in-memory transport (the embedded default).</summary>
    public static IServiceCollection AddTokenWorkersMessaging(this IServiceCollection services, bool demoSubscriber = false)
    {
        services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.AddTokenWorkersConsumers();
            if (demoSubscriber)
            {
                bus.AddConsumer<DemoSubscriber>();
            }

            bus.UsingInMemory((context, transport) => transport.ConfigureEndpoints(context));
        });
        services.AddOptions<MassTransitHostOptions>().Configure(options =>
        {
            // Otherwise the host reports started before the bus is connected, and the first scan publishes into nothing.
            options.WaitUntilStarted = true;
            options.StartTimeout = TimeSpan.FromSeconds(60);
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }
}
