using System.Collections.Concurrent;
using MassTransit;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>
/// Counts publishes, sends (commands to a queue) and finished consumes per message type, so a test can wait until
/// everything published or sent has been handled (each message type here has exactly one consuming endpoint).
/// Without quick retries, every delivery ends in exactly one PostConsume or ConsumeFault.
/// </summary>
public sealed class BusActivity : IPublishObserver, ISendObserver, IConsumeObserver
{
    private readonly ConcurrentDictionary<Type, int> _published = new();
    private readonly ConcurrentDictionary<Type, int> _consumed = new();
    private int _faults;

    public int Faults => Volatile.Read(ref _faults);

    public async Task SettleAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!Settled())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Bus did not settle: published {Describe(_published)}, consumed {Describe(_consumed)}");
            }

            await Task.Delay(2);
        }
    }

    // MassTransit's own fault messages (Fault<T>, ReceiveFault) have no consumer here; faults are counted apart.
    private bool Settled() =>
        _published.Where(p => p.Key.Namespace != typeof(ReceiveFault).Namespace)
            .All(p => _consumed.TryGetValue(p.Key, out var consumed) && consumed >= p.Value);

    private static string Describe(ConcurrentDictionary<Type, int> counts) =>
        string.Join(", ", counts.Select(c => $"{c.Key.Name}={c.Value}"));

    public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context) where T : class
    {
        _published.AddOrUpdate(typeof(T), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public Task PreSend<T>(SendContext<T> context) where T : class => Task.CompletedTask;

    public Task PostSend<T>(SendContext<T> context) where T : class
    {
        // Publishes do not reach send observers (checked on MassTransit 8.5's in-memory transport), so nothing is counted twice.
        _published.AddOrUpdate(typeof(T), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task SendFault<T>(SendContext<T> context, Exception exception) where T : class => Task.CompletedTask;

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        _consumed.AddOrUpdate(typeof(T), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        Interlocked.Increment(ref _faults);
        _consumed.AddOrUpdate(typeof(T), 1, (_, n) => n + 1);
        return Task.CompletedTask;
    }
}
