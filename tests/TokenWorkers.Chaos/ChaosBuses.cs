using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Contracts;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Chaos;

/// <summary>
/// Two other services on the broker, each with its own bus and connection: a subscriber recording every event it
/// receives, and a sender of PublishPost commands. Neither knows anything of the worker but its contracts.
/// </summary>
internal sealed class ChaosBuses : IAsyncDisposable
{
    public const string SubscriberQueue = "chaos-subscriber";

    private readonly ServiceProvider _subscriber;
    private readonly ServiceProvider _sender;

    private ChaosBuses(ServiceProvider subscriber, ServiceProvider sender, EventRecorder recorder)
    {
        _subscriber = subscriber;
        _sender = sender;
        Recorder = recorder;
    }

    public EventRecorder Recorder { get; }

    public static async Task<ChaosBuses> StartAsync(RabbitMqBroker broker, string virtualHost, CancellationToken cancellationToken)
    {
        var recorder = new EventRecorder();
        var subscriber = Bus(broker, virtualHost, services => services.AddSingleton(recorder),
            bus => bus.AddConsumer<EventRecorderConsumer>().Endpoint(e => e.Name = SubscriberQueue));
        var sender = Bus(broker, virtualHost, _ => { }, _ => { });
        await subscriber.GetRequiredService<IBusControl>().StartAsync(cancellationToken);
        await sender.GetRequiredService<IBusControl>().StartAsync(cancellationToken);
        return new ChaosBuses(subscriber, sender, recorder);
    }

    /// <summary>Sends to the worker's queue; true once the broker confirmed it.</summary>
    public async Task<bool> SendAsync(PublishPost command, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var endpoint = await _sender.GetRequiredService<ISendEndpointProvider>().GetSendEndpoint(new Uri("queue:publish-post"));
            await endpoint.Send(command, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or MassTransitException or RabbitMQ.Client.Exceptions.RabbitMQClientException or IOException or TimeoutException
                                       && !cancellationToken.IsCancellationRequested)
        {
            // The broker is restarting: whether the command arrived is unknown, which the invariants allow for.
            return false;
        }
    }

    private static ServiceProvider Bus(RabbitMqBroker broker, string virtualHost, Action<IServiceCollection> services,
        Action<IBusRegistrationConfigurator> configure)
    {
        var collection = new ServiceCollection().AddLogging();
        services(collection);
        collection.AddMassTransit(bus =>
        {
            configure(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, (ushort)broker.Port, virtualHost, host =>
                {
                    host.Username(broker.Username);
                    host.Password(broker.Password);
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
        return collection.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in new[] { _sender, _subscriber })
        {
            await provider.GetRequiredService<IBusControl>().StopAsync();
            await provider.DisposeAsync();
        }
    }
}
