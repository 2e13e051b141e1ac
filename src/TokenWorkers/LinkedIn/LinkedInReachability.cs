using Microsoft.Extensions.Diagnostics.HealthChecks;
using TokenWorkers.Ports;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// What the worker's own calls say about LinkedIn: every answer below 500 counts as reachable, a 5xx, a timeout or a
/// connection failure as not. Passive on purpose: the health endpoint must never add calls against LinkedIn's limits.
/// </summary>
public sealed class LinkedInReachability(TimeProvider time)
{
    /// <summary>Consecutive failed calls after which LinkedIn counts as unreachable.</summary>
    public const int FailuresBeforeDegraded = 3;

    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private DateTimeOffset? _failingSince;
    private DateTimeOffset? _lastSuccess;
    private string? _lastFailure;

    public void Succeeded()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _failingSince = null;
            _lastSuccess = time.GetUtcNow();
        }
    }

    public void Failed(string what)
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            _failingSince ??= time.GetUtcNow();
            _lastFailure = what;
        }
    }

    public HealthCheckResult Check()
    {
        lock (_gate)
        {
            var data = new Dictionary<string, object>
            {
                ["consecutiveFailures"] = _consecutiveFailures,
            };
            if (_lastSuccess is { } success)
            {
                data["lastSuccess"] = success;
            }

            if (_consecutiveFailures < FailuresBeforeDegraded)
            {
                return HealthCheckResult.Healthy(_lastSuccess is null ? "No call to LinkedIn yet." : "LinkedIn answers.", data);
            }

            data["failingSince"] = _failingSince!.Value;
            // Degraded, never unhealthy: an orchestrator must not restart workers because LinkedIn is down; tokens are
            // kept and the calls are retried with backoff.
            return HealthCheckResult.Degraded(
                $"LinkedIn did not answer the last {_consecutiveFailures} calls (since {_failingSince:O}); last: {_lastFailure}.", data: data);
        }
    }
}

/// <summary>Feeds <see cref="LinkedInReachability"/> from every call of the LinkedIn clients.</summary>
public sealed class LinkedInReachabilityHandler(LinkedInReachability reachability) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.RequestUri?.AbsolutePath ?? "?";
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                reachability.Failed($"{path} answered {(int)response.StatusCode}");
            }
            else
            {
                reachability.Succeeded();
            }

            return response;
        }
        catch (HttpRequestException ex)
        {
            reachability.Failed($"{path}: {ex.HttpRequestError}");
            throw;
        }
        catch (OperationCanceledException)
        {
            reachability.Failed($"{path}: no answer in time");
            throw;
        }
    }
}

public sealed class LinkedInHealthCheck(LinkedInReachability reachability) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(reachability.Check());
}
