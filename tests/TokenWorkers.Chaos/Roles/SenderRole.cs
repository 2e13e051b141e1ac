using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Contracts;

namespace TokenWorkers.Chaos.Roles;

/// <summary>
/// <c>TokenWorkers.Chaos sender</c>: a service that sends PublishPost commands to the worker's queue. It reads one
/// command per line (JSON) on stdin and answers one line each: <c>sent</c> once the broker confirmed it, or
/// <c>unconfirmed</c> when the broker was away (whether it arrived is then unknown, which the invariants allow for).
/// </summary>
internal static class SenderRole
{
    public const string Sent = "sent";
    public const string Unconfirmed = "unconfirmed";

    public static async Task<int> RunAsync()
    {
        await using var provider = RoleBus.Build(_ => { }, _ => { });
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync();
        Console.WriteLine("ready");
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var command = JsonSerializer.Deserialize<PublishPost>(line, SubscriberLog.Json)
                ?? throw new InvalidOperationException("An empty command line.");
            Console.WriteLine(await SendAsync(bus, command) ? Sent : Unconfirmed);
        }

        await bus.StopAsync();
        return 0;
    }

    private static async Task<bool> SendAsync(IBus bus, PublishPost command)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            // The worker's queue under its default Transport:QueuePrefix, which the harness's workers keep.
            var endpoint = await bus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"));
            await endpoint.Send(command, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or MassTransitException or RabbitMQ.Client.Exceptions.RabbitMQClientException or IOException or TimeoutException)
        {
            return false;
        }
    }
}
