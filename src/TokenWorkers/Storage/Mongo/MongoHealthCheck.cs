using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TokenWorkers.Storage.Mongo;

/// <summary>Ready when MongoDB answers a ping within <see cref="MongoStorageOptions.HealthCheckTimeout"/>.</summary>
public sealed class MongoHealthCheck(MongoStoreContext mongo) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var timeout = mongo.Options.HealthCheckTimeout;
        try
        {
            await mongo.PingAsync(timeout, cancellationToken);
            return HealthCheckResult.Healthy($"MongoDB at {mongo.Hosts} answered.");
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(
                context.Registration.FailureStatus,
                $"MongoDB at {mongo.Hosts} did not answer a ping within {timeout.TotalSeconds:0.###} s.",
                ex);
        }
    }
}
