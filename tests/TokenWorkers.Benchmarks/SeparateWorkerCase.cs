using System.Diagnostics;

namespace TokenWorkers.Benchmarks;

/// <summary>
/// Case 10: case 2 with the worker in a process of its own, as shipped. The CPU of a refresh is then the worker's alone;
/// this process's (the sandbox answering it, the publisher of RefreshDue and the subscriber of TokenRefreshed) is reported
/// beside it. The broker runs in a third process and is in neither.
/// </summary>
public static class SeparateWorkerCase
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(300);

    public static async Task<(double RefreshesPerSecond, double WorkerCpuMs, double OthersCpuMs)> RunAsync(
        BenchHarness harness, int count, CancellationToken cancellationToken)
    {
        var worker = harness.WorkerProcess ?? throw new InvalidOperationException("Start the harness with the worker out of process.");
        var connections = await harness.SeedAsync(count);
        await Task.Delay(Settle, cancellationToken);
        var workerCpu = ProcessorTime(worker.Id);
        var ownCpu = ProcessorTime(Environment.ProcessId);
        var (elapsed, _) = await harness.RefreshAllAsync(connections, TimeSpan.FromMinutes(5));

        // The outbox is cleared after the event the harness waits for: a moment for those last writes.
        await Task.Delay(Settle, cancellationToken);
        return (count / elapsed.TotalSeconds,
            (ProcessorTime(worker.Id) - workerCpu).TotalMilliseconds / count,
            (ProcessorTime(Environment.ProcessId) - ownCpu).TotalMilliseconds / count);
    }

    private static TimeSpan ProcessorTime(int processId)
    {
        using var process = Process.GetProcessById(processId);
        return process.TotalProcessorTime;
    }
}
