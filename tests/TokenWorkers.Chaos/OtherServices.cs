using System.Globalization;
using System.Text.Json;
using TokenWorkers.Chaos.Roles;
using TokenWorkers.Contracts;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Chaos;

/// <summary>
/// The other services of the estate, each its own process with its own broker connection: a subscriber that records
/// every event it receives in a file, and a sender of PublishPost commands. Neither knows anything of the worker but its
/// contracts. The subscriber can be killed and started again; its durable queue keeps what arrives meanwhile.
/// </summary>
internal sealed class OtherServices : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly List<(string Name, string Output)> _finished = [];
    private RoleProcess _subscriber;
    private readonly RoleProcess _sender;
    private Task? _restarting;
    private int _generation;

    private OtherServices(Dictionary<string, string> environment, RoleProcess subscriber, RoleProcess sender, SubscriberLog log)
    {
        _environment = environment;
        _subscriber = subscriber;
        _sender = sender;
        Log = log;
    }

    public SubscriberLog Log { get; }

    public int SubscriberKills { get; private set; }

    public static async Task<OtherServices> StartAsync(RabbitMqBroker broker, string virtualHost, string workDirectory, CancellationToken cancellationToken)
    {
        var log = new SubscriberLog(Path.Combine(workDirectory, "subscriber-events.jsonl"));
        var environment = new Dictionary<string, string>
        {
            [RoleBus.Host] = broker.Host,
            [RoleBus.Port] = broker.Port.ToString(CultureInfo.InvariantCulture),
            [RoleBus.VirtualHost] = virtualHost,
            [RoleBus.Username] = broker.Username,
            [RoleBus.Password] = broker.Password,
            [SubscriberRole.EventsFile] = log.Path,
        };
        var subscriber = await RoleProcess.StartAsync("subscriber", environment, cancellationToken);
        var sender = await RoleProcess.StartAsync("sender", environment, cancellationToken);
        return new OtherServices(environment, subscriber, sender, log);
    }

    /// <summary>Sends to the worker's queue through the sender process; true once the broker confirmed it.</summary>
    public async Task<bool> SendAsync(PublishPost command, CancellationToken cancellationToken)
    {
        await _sender.WriteLineAsync(JsonSerializer.Serialize(command, SubscriberLog.Json));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        return await _sender.ReadLineAsync(timeout.Token) == SenderRole.Sent;
    }

    /// <summary>SIGKILL the subscriber and start it again in the background; false while a restart is still under way.</summary>
    public bool KillSubscriber(CancellationToken cancellationToken)
    {
        if (_restarting is { IsCompleted: false })
        {
            return false;
        }

        _subscriber.KillAbruptly();
        Keep(_subscriber);
        SubscriberKills++;
        _restarting = RestartAsync(cancellationToken);
        return true;
    }

    private async Task RestartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _subscriber = await RoleProcess.StartAsync("subscriber", _environment, cancellationToken);
                return;
            }
            catch (InvalidOperationException ex) when (attempt < 5 && !cancellationToken.IsCancellationRequested)
            {
                // Started while the broker restarts: try again.
                lock (_finished)
                {
                    _finished.Add(($"subscriber-failed-start-{attempt}", ex.Message));
                }
            }
        }
    }

    /// <summary>Waits for a subscriber restart under way, so the drain counts on it.</summary>
    public Task SettleAsync() => _restarting ?? Task.CompletedTask;

    public IReadOnlyList<(string Name, string Output)> Outputs()
    {
        lock (_finished)
        {
            return [.. _finished, ($"subscriber-{_generation + 1}", _subscriber.Output), ("sender", _sender.Output)];
        }
    }

    private void Keep(RoleProcess subscriber)
    {
        lock (_finished)
        {
            _finished.Add(($"subscriber-{++_generation}-pid{subscriber.Id}", subscriber.Output));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sender.DisposeAsync();
        await _subscriber.DisposeAsync();
    }
}
