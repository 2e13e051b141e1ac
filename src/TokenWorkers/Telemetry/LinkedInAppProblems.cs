using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TokenWorkers.Telemetry;

/// <summary>
/// LinkedIn apps this instance found misconfigured (LinkedIn refused their client credentials, <c>invalid_client</c>, or
/// the app is not configured): one broken app is one problem, however many of its connections run into it, so it is
/// reported once when it breaks and once when it works again. Health shows the broken apps by name.
/// </summary>
public sealed class LinkedInAppProblems(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, AppProblem> _broken = new(StringComparer.Ordinal);

    /// <summary>Records that <paramref name="app"/> is broken; true only for the call that found it working before.</summary>
    public bool Broken(string app, string? errorCode, string description) =>
        _broken.TryAdd(app, new AppProblem(errorCode, description, time.GetUtcNow()));

    /// <summary>Records that <paramref name="app"/> works; true only when it was broken.</summary>
    public bool Works(string app) => _broken.TryRemove(app, out _);

    public IReadOnlyDictionary<string, AppProblem> Current => _broken;

    public HealthCheckResult Check()
    {
        if (_broken.IsEmpty)
        {
            return HealthCheckResult.Healthy("Every LinkedIn app in use is accepted by LinkedIn.");
        }

        var data = _broken.ToDictionary(p => $"app:{p.Key}", p => (object)$"{p.Value.ErrorCode}: since {p.Value.Since:o}");
        return HealthCheckResult.Degraded(
            $"LinkedIn app(s) misconfigured: {string.Join(", ", _broken.Keys.Order(StringComparer.Ordinal))}. Their connections are not refreshed; check their client id and secret.",
            data: data);
    }
}

/// <summary>Why an app is broken; never a secret.</summary>
public sealed record AppProblem(string? ErrorCode, string Description, DateTimeOffset Since);

public sealed class LinkedInAppsHealthCheck(LinkedInAppProblems problems) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(problems.Check());
}
