using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Chaos;

/// <summary>A SIGKILL the harness dealt: which slot, which process, and when (wall clock, the sandbox's clock too).</summary>
internal sealed record Kill(int Slot, int ProcessId, DateTimeOffset At);

/// <summary>
/// N worker processes on one store, one per slot. A killed slot is started again at once, in the background, so the
/// schedule goes on while the new process boots. Every process's output is kept, the killed ones' included.
/// </summary>
internal sealed class WorkerFleet(Func<int, IReadOnlyDictionary<string, string?>> settingsFor, int slots) : IAsyncDisposable
{
    private readonly WorkerProcess?[] _running = new WorkerProcess?[slots];
    private readonly Task?[] _restarting = new Task?[slots];
    private readonly List<(string Name, string Output)> _finished = [];
    private readonly List<Kill> _kills = [];
    private readonly List<string> _restartFailures = [];
    private readonly int[] _generation = new int[slots];

    public IReadOnlyList<Kill> Kills => _kills;

    public IReadOnlyList<string> RestartFailures => _restartFailures;

    /// <summary>The address of a worker that is up now (a load balancer's pick), or null while none is.</summary>
    public Uri? AnyRunning() => _running.Select(w => w).FirstOrDefault(w => w is { HasExited: false })?.BaseAddress;

    public async Task StartAllAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(Enumerable.Range(0, slots).Select(slot => StartAsync(slot, cancellationToken)));

    /// <summary>Kills the slot's process (or the next running slot's, when that one is still booting) and starts it again.</summary>
    public Kill? KillAndRestart(int preferred, CancellationToken cancellationToken)
    {
        var slot = Enumerable.Range(0, slots).Select(i => (preferred + i) % slots).FirstOrDefault(i => _running[i] is not null, -1);
        if (slot < 0)
        {
            return null;
        }

        var worker = _running[slot]!;
        _running[slot] = null;
        var kill = new Kill(slot, worker.Id, DateTimeOffset.UtcNow);
        worker.KillAbruptly();
        lock (_kills)
        {
            _kills.Add(kill);
        }

        Keep(slot, worker);
        _restarting[slot] = StartAsync(slot, cancellationToken);
        return kill;
    }

    /// <summary>Waits for restarts under way, so the drain runs with every slot up.</summary>
    public async Task SettleAsync()
    {
        foreach (var restart in _restarting.Where(t => t is not null))
        {
            await restart!;
        }
    }

    /// <summary>Ends every process (SIGKILL: the store is settled by now) and returns every process's output.</summary>
    public IReadOnlyList<(string Name, string Output)> StopAll()
    {
        for (var slot = 0; slot < slots; slot++)
        {
            if (_running[slot] is { } worker)
            {
                worker.KillAbruptly();
                Keep(slot, worker);
                _running[slot] = null;
            }
        }

        lock (_finished)
        {
            return [.. _finished];
        }
    }

    private async Task StartAsync(int slot, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _running[slot] = await WorkerProcess.StartAsync(settingsFor(slot), cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException && attempt < 3 && !cancellationToken.IsCancellationRequested)
            {
                // A start during a broker restart can miss readiness; a slot that never comes back is reported.
                lock (_restartFailures)
                {
                    _restartFailures.Add($"slot {slot} attempt {attempt}: {ex.Message.Split('\n')[0]}");
                }

                lock (_finished)
                {
                    _finished.Add(($"worker-{slot}-failed-start-{attempt}", ex.Message));
                }
            }
        }
    }

    private void Keep(int slot, WorkerProcess worker)
    {
        lock (_finished)
        {
            _finished.Add(($"worker-{slot}-{++_generation[slot]}-pid{worker.Id}", worker.Output));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var worker in _running.Where(w => w is not null))
        {
            await worker!.DisposeAsync();
        }
    }
}
