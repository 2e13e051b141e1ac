using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Benchmarks;

/// <summary>
/// Case 1: what any MassTransit consumer can do on this broker: a no-op consumer with the worker's prefetch and concurrency.
/// Case 9: the same consumer publishing one event that another service's bus consumes, the shape of a refresh.
/// </summary>
public static class CeilingCase
{
    public static async Task<double> MessagesPerSecondAsync(RabbitMqBroker broker, int count, CancellationToken cancellationToken)
    {
        var virtualHost = await broker.CreateVirtualHostAsync();
        var counter = new NoopCounter(count);
        var services = new ServiceCollection().AddLogging().AddSingleton(counter);
        services.AddMassTransit(bus =>
        {
            bus.AddConsumer<NoopConsumer>().Endpoint(endpoint => endpoint.Name = "bench-noop");
            bus.UsingRabbitMq((context, rabbit) => Configure(context, rabbit, broker, virtualHost));
        });
        await using var provider = services.BuildServiceProvider();
        var control = provider.GetRequiredService<IBusControl>();
        await control.StartAsync(cancellationToken);
        try
        {
            var start = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 },
                async (i, token) => await control.Publish(new BenchPing(i), token));
            await counter.AllConsumed.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
            return count / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        finally
        {
            await control.StopAsync(cancellationToken);
            await broker.DeleteVirtualHostAsync(virtualHost);
        }
    }

    /// <summary>
    /// Case 9: bus A consumes each ping and publishes a pong; bus B (its own service provider and queue, the same
    /// virtual host) publishes the pings and consumes the pongs, as the other service does with RefreshDue and
    /// TokenRefreshed in case 2. Pings per second until B has consumed every pong.
    /// </summary>
    public static async Task<(double Rate, RelayCost Cost)> RelayedMessagesPerSecondAsync(RabbitMqBroker broker, int count, CancellationToken cancellationToken)
    {
        var virtualHost = await broker.CreateVirtualHostAsync();
        var counter = new NoopCounter(count);
        var relayServices = new ServiceCollection().AddLogging();
        relayServices.AddMassTransit(bus =>
        {
            bus.AddConsumer<RelayConsumer>().Endpoint(endpoint => endpoint.Name = "bench-relay");
            bus.UsingRabbitMq((context, rabbit) => Configure(context, rabbit, broker, virtualHost));
        });
        var subscriberServices = new ServiceCollection().AddLogging().AddSingleton(counter);
        subscriberServices.AddMassTransit(bus =>
        {
            bus.AddConsumer<PongConsumer>().Endpoint(endpoint => endpoint.Name = "bench-pong-subscriber");
            bus.UsingRabbitMq((context, rabbit) => Configure(context, rabbit, broker, virtualHost));
        });
        await using var relayProvider = relayServices.BuildServiceProvider();
        await using var subscriberProvider = subscriberServices.BuildServiceProvider();
        var relay = relayProvider.GetRequiredService<IBusControl>();
        var subscriber = subscriberProvider.GetRequiredService<IBusControl>();
        await relay.StartAsync(cancellationToken);
        await subscriber.StartAsync(cancellationToken);
        try
        {
            var cpu = ProcessorTime();
            var allocated = GC.GetTotalAllocatedBytes();
            var start = Stopwatch.GetTimestamp();
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 },
                async (i, token) => await subscriber.Publish(new BenchPing(i), token));
            await counter.AllConsumed.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
            var rate = count / Stopwatch.GetElapsedTime(start).TotalSeconds;
            return (rate, new RelayCost((ProcessorTime() - cpu).TotalMilliseconds / count, (GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / count));
        }
        finally
        {
            await subscriber.StopAsync(cancellationToken);
            await relay.StopAsync(cancellationToken);
            await broker.DeleteVirtualHostAsync(virtualHost);
        }
    }

    private static TimeSpan ProcessorTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    // The worker's prefetch and concurrency; in case 9 on both buses, so the subscriber is not what limits the ceiling.
    private static void Configure(IBusRegistrationContext context, IRabbitMqBusFactoryConfigurator rabbit, RabbitMqBroker broker, string virtualHost)
    {
        rabbit.Host(broker.Host, (ushort)broker.Port, virtualHost, host =>
        {
            host.Username(broker.Username);
            host.Password(broker.Password);
        });
        rabbit.PrefetchCount = BenchHarness.Concurrency;
        rabbit.ConcurrentMessageLimit = BenchHarness.Concurrency;
        rabbit.ConfigureEndpoints(context);
    }
}

/// <summary>
/// This process's CPU time and allocation per relayed message in case 9 (publisher, relay and subscriber; the broker not
/// included), to set beside a refresh's: the part of a refresh's cost that is messaging alone.
/// </summary>
public sealed record RelayCost(double CpuMilliseconds, double AllocatedKiB);

/// <summary>A message the size of a small event.</summary>
public sealed record BenchPing(int Sequence);

/// <summary>The event case 9's relay publishes for each ping.</summary>
public sealed record BenchPong(int Sequence);

public sealed class NoopCounter(int expected)
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _consumed;

    public Task AllConsumed => _done.Task;

    public void Consumed()
    {
        if (Interlocked.Increment(ref _consumed) == expected)
        {
            _done.TrySetResult();
        }
    }
}

public sealed class NoopConsumer(NoopCounter counter) : IConsumer<BenchPing>
{
    public Task Consume(ConsumeContext<BenchPing> context)
    {
        counter.Consumed();
        return Task.CompletedTask;
    }
}

/// <summary>Case 9's bus A: consumes a ping, publishes a pong, nothing else.</summary>
public sealed class RelayConsumer : IConsumer<BenchPing>
{
    public Task Consume(ConsumeContext<BenchPing> context) => context.Publish(new BenchPong(context.Message.Sequence), context.CancellationToken);
}

/// <summary>Case 9's bus B: counts the pongs.</summary>
public sealed class PongConsumer(NoopCounter counter) : IConsumer<BenchPong>
{
    public Task Consume(ConsumeContext<BenchPong> context)
    {
        counter.Consumed();
        return Task.CompletedTask;
    }
}
