using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenWorkers.Connections;

namespace TokenWorkers.Hosting;

/// <summary>
/// Ready when the connection store answers a query. A row it cannot read is an answer too: the store reports such rows
/// instead of failing, and restarting the worker would not make them readable.
/// </summary>
public sealed class StoreHealthCheck(IConnectionStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ListAsync(null, 1, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The connection store does not answer", ex);
        }
    }
}
