using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Ports;

namespace TokenWorkers.Benchmarks;

/// <summary>
/// Case 12: a refresh's token exchange alone, the worker's own OAuth client against the sandbox over HTTP (both in this
/// process, as in case 2, with the worker's tracing listening), 32 at a time; no store and no broker. Beside (9), the
/// messaging, and (11), the store's part, it accounts for the rest of a refresh's CPU in (2).
/// </summary>
public static class ExchangeCase
{
    private const int Parallelism = 32;

    /// <summary>CPU (ms) and allocation (KiB) of this process per exchange.</summary>
    public static async Task<(double CpuMilliseconds, double AllocatedKiB)> RunAsync(BenchHarness harness, int count, CancellationToken cancellationToken)
    {
        var connections = await harness.SeedAsync(count);
        var linkedIn = harness.Environment.Worker.Services.GetRequiredService<ILinkedInOAuth>();
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        await Parallel.ForEachAsync(
            connections,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (connection, token) =>
            {
                if (await linkedIn.RefreshAsync(connection.App, connection.RefreshToken!, token) is not TokenGranted)
                {
                    throw new InvalidOperationException($"The sandbox did not grant the exchange of {connection.ConnectionId}.");
                }
            });
        var spent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return (spent.TotalMilliseconds / count, (GC.GetTotalAllocatedBytes(precise: false) - allocated) / 1024.0 / count);
    }
}
