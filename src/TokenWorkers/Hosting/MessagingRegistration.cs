using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Messaging;
using TokenWorkers.Publishing;
using TokenWorkers.Refresh;
using TokenWorkers.Runtime;

namespace TokenWorkers.Hosting;

public static class MessagingRegistration
{
    /// <summary>Every consumer of the worker, registered in one place that the host and the tests both call.</summary>
    public static IBusRegistrationConfigurator AddTokenWorkersConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RefreshDueConsumer, RefreshDueConsumerDefinition>();
        bus.AddConsumer<PublishPostConsumer, PublishPostConsumerDefinition>();
        bus.AddConsumer<CancelPostConsumer>();
        bus.AddConsumer<DeletePostConsumer, DeletePostConsumerDefinition>();
        return bus;
    }

    /// <summary>
    /// MassTransit with its conventional topology (an exchange per message type, kebab-case endpoint names behind
    /// <c>Transport:QueuePrefix</c>), so another service subscribes with nothing but the contracts and its own queue. The transport is
    /// <c>Transport:Kind</c>: in-memory (the embedded default) or RabbitMQ.
    /// </summary>
    /// <param name="configureBus">
    /// Runs after the worker's consumers are added. MassTransit allows one <c>AddMassTransit</c> per container,
    /// so a host that composes the worker (the demo behind <c>make run</c>) adds its own consumers here to
    /// share the worker's bus, transport and endpoint conventions.
    /// </param>
    public static IServiceCollection AddTokenWorkersMessaging(
        this IServiceCollection services, IConfiguration configuration, Action<IBusRegistrationConfigurator>? configureBus = null)
    {
        services.AddValidatedOptions<TransportOptions>(TransportOptions.SectionName);
        services.AddSingleton<IValidateOptions<TransportOptions>, TransportOptionsValidator>();
        var transport = configuration.GetSection(TransportOptions.SectionName).Get<TransportOptions>() ?? new TransportOptions();

        services.AddMassTransit(bus => bus.AddTokenWorkersBus(transport, configureBus));
        services.AddOptions<MassTransitHostOptions>().Configure(options =>
        {
            // Otherwise the host reports started before the bus is connected, and the first scan publishes into nothing.
            options.WaitUntilStarted = true;
            options.StartTimeout = transport.StartTimeout;
            options.StopTimeout = TimeSpan.FromSeconds(30);
        });
        return services;
    }

    /// <summary>
    /// The worker's bus on a registration configurator: conventions, consumers with their definitions, the dead-letter
    /// filter and the transport. <see cref="AddTokenWorkersMessaging"/> calls it inside <c>AddMassTransit</c>; tests call
    /// it inside <c>AddMassTransitTestHarness</c>, so what they test is this registration, not a copy of it.
    /// </summary>
    /// <param name="configureTransport">Runs on the in-memory transport before its endpoints are configured (tests inject faults there).</param>
    public static IBusRegistrationConfigurator AddTokenWorkersBus(
        this IBusRegistrationConfigurator bus,
        TransportOptions transport,
        Action<IBusRegistrationConfigurator>? configureBus = null,
        Action<IBusRegistrationContext, IInMemoryBusFactoryConfigurator>? configureTransport = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(transport);
        // Every consumer endpoint is named by this formatter, so each queue, a new one included, carries the prefix.
        bus.SetEndpointNameFormatter(QueueNames.Formatter(transport.QueuePrefix));
        bus.AddConfigureEndpointsCallback((_, endpoint) => endpoint.ConfigureDeadLetter(pipe => pipe.UseFilter(new UnknownMessageTypeFilter())));
        bus.AddTokenWorkersConsumers();
        configureBus?.Invoke(bus);

        if (TransportKinds.Is(transport.Kind, TransportKinds.RabbitMq))
        {
            var rabbit = transport.RabbitMq;
            bus.UsingRabbitMq((context, broker) =>
            {
                broker.ConfigureHost(rabbit);
                UseMessageData(context, broker);
                broker.PrefetchCount = rabbit.PrefetchCount;
                broker.ConcurrentMessageLimit = rabbit.ConcurrentMessageLimit;
                broker.ConfigureEndpoints(context);
            });
        }
        else
        {
            bus.UsingInMemory((context, memory) =>
            {
                configureTransport?.Invoke(context, memory);
                UseMessageData(context, memory);
                memory.ConfigureEndpoints(context);
            });
        }

        return bus;
    }

    /// <summary>The claim check senders share with the worker for image bytes (docs/images.md), where the store registered one.</summary>
    private static void UseMessageData(IBusRegistrationContext context, IBusFactoryConfigurator configurator)
    {
        if (context.GetService<IMessageDataRepository>() is { } repository)
        {
            configurator.UseMessageData(repository);
        }
    }
}
