using MassTransit;

namespace TokenWorkers.Messaging;

/// <summary>
/// Sends a command to the queue of the worker's consumer for it, named as the bus names it (with the configured
/// <c>Transport:QueuePrefix</c>). Everything in the worker that sends a command goes through here, so no code keeps a queue
/// name of its own; events are published, never sent.
/// </summary>
public sealed class CommandSender(ISendEndpointProvider endpoints, IEndpointNameFormatter names)
{
    /// <summary>The <c>queue:</c> address of <typeparamref name="TConsumer"/>'s endpoint.</summary>
    public Uri QueueOf<TConsumer>()
        where TConsumer : class, IConsumer => QueueNames.Address<TConsumer>(names);

    /// <summary>Sends <paramref name="command"/> to the queue of <typeparamref name="TConsumer"/>, which must consume it.</summary>
    public async Task SendAsync<TConsumer, TCommand>(TCommand command, CancellationToken cancellationToken)
        where TConsumer : class, IConsumer<TCommand>
        where TCommand : class
    {
        var endpoint = await endpoints.GetSendEndpoint(QueueOf<TConsumer>());
        await endpoint.Send(command, cancellationToken);
    }
}
