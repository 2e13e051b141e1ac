using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Benchmarks;

/// <summary>Case 1: what any MassTransit consumer can do on this broker: a no-op consumer with the worker's prefetch and concurrency.</summary>
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
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(broker.Host, (ushort)broker.Port, virtualHost, host =>
                {
                    host.Username(broker.Username);
                    host.Password(broker.Password);
                });
                rabbit.PrefetchCount = BenchHarness.Concurrency;
                rabbit.ConcurrentMessageLimit = BenchHarness.Concurrency;
                rabbit.ConfigureEndpoints(context);
            });
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
}

/// <summary>A message the size of a small event.</summary>
public sealed record BenchPing(int Sequence);

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
