using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Contracts;

namespace TokenWorkers.Chaos.Roles;

/// <summary>
/// <c>TokenWorkers.Chaos subscriber</c>: a service that subscribes to every event the worker publishes and appends each
/// delivery to a file (one JSON line: type and message) before acknowledging it, so a delivery the file holds was
/// received, and a kill before the acknowledgement only brings a redelivery of the same EventId.
/// </summary>
internal static class SubscriberRole
{
    public const string Queue = "chaos-subscriber";
    public const string EventsFile = "CHAOS_EVENTS_FILE";

    public static async Task<int> RunAsync()
    {
        await using var log = new EventLogWriter(RoleBus.Required(EventsFile));
        await using var provider = RoleBus.Build(services => services.AddSingleton(log),
            bus => bus.AddConsumer<SubscriberConsumer>().Endpoint(e => e.Name = Queue));
        var bus = provider.GetRequiredService<IBusControl>();
        await bus.StartAsync();
        // The harness starts the workers only after this line: the queue and its bindings exist, so nothing is missed.
        Console.WriteLine("ready");
        await WaitForStopAsync();
        await bus.StopAsync();
        return 0;
    }

    /// <summary>Until stdin closes (the harness ended) or SIGTERM; a SIGKILL needs no handling.</summary>
    internal static async Task WaitForStopAsync()
    {
        var stop = new TaskCompletionSource();
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, s =>
        {
            s.Cancel = true;
            stop.TrySetResult();
        });
        var input = Task.Run(async () =>
        {
            while (await Console.In.ReadLineAsync() is not null)
            {
            }
        });
        await Task.WhenAny(stop.Task, input);
    }
}

/// <summary>Appends deliveries to the subscriber's file, one line each, flushed before the message is acknowledged.</summary>
internal sealed class EventLogWriter(string path) : IAsyncDisposable
{
    private readonly StreamWriter _writer = new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task AppendAsync(object message)
    {
        var line = JsonSerializer.Serialize(new { type = message.GetType().Name, message = JsonSerializer.SerializeToElement(message, message.GetType(), SubscriberLog.Json) },
            SubscriberLog.Json);
        await _gate.WaitAsync();
        try
        {
            await _writer.WriteLineAsync(line);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync();
        _gate.Dispose();
    }
}

/// <summary>Every event the worker publishes but RefreshDue (which the worker consumes itself).</summary>
internal sealed class SubscriberConsumer(EventLogWriter log) :
    IConsumer<TokenRefreshed>, IConsumer<ReauthRequired>, IConsumer<ReauthSoon>, IConsumer<ConnectionRecovered>, IConsumer<ConnectionAuthorized>,
    IConsumer<ConnectionDisconnected>,
    IConsumer<PostPublished>, IConsumer<PostFailed>, IConsumer<PostOutcomeUnknown>, IConsumer<PostScheduled>, IConsumer<PostCancelled>, IConsumer<PostHeld>
{
    public Task Consume(ConsumeContext<TokenRefreshed> context) => log.AppendAsync(context.Message);

    public Task Consume(ConsumeContext<ReauthRequired> context) => log.AppendAsync(context.Message);

    public Task Consume(ConsumeContext<ReauthSoon> context) => log.AppendAsync(context.Message);

    public Task Consume(ConsumeContext<ConnectionRecovered> context) => log.AppendAsync(context.Message);

    public Task Consume(ConsumeContext<ConnectionAuthorized> context) => log.AppendAsync(context.Message);

    public Task Consume(ConsumeContext<ConnectionDisconnected> context) => log.AppendAsync(context.Message);

    public Task Consume(ConsumeContext<PostPublished> context) => log.AppendAsync(context.Message);

    public Task Consume(ConsumeContext<PostFailed> context) => log.AppendAsync(context.Message);

    public Task Consume(ConsumeContext<PostOutcomeUnknown> context) => log.AppendAsync(context.Message);

    public Task Consume(ConsumeContext<PostScheduled> context) => log.AppendAsync(context.Message);

    public Task Consume(ConsumeContext<PostCancelled> context) => log.AppendAsync(context.Message);

    public Task Consume(ConsumeContext<PostHeld> context) => log.AppendAsync(context.Message);
}
