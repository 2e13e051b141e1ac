using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// Whether LinkedIn still serves the pinned <c>LinkedIn-Version</c> (Publishing:LinkedInVersion). LinkedIn supports each
/// monthly version for about a year, then answers every versioned call 426 NONEXISTENT_VERSION: a configuration failure
/// of the whole worker, not a member's, so it is logged as critical once, counted, and shown as degraded health until a
/// versioned call succeeds again; posts are held meanwhile (see PostAttempt).
/// </summary>
public sealed partial class LinkedInVersionMonitor
{
    public const string Setting = "Publishing:LinkedInVersion";

    // LinkedIn warns integrators to move on well before the sunset; so does the start-up log.
    private static readonly TimeSpan WarnBeforeSunset = TimeSpan.FromDays(60);

    private readonly Lock _gate = new();
    private readonly Counter<long> _refusals;
    private readonly ILogger<LinkedInVersionMonitor> _logger;
    private readonly TimeProvider _time;
    private string? _refusedVersion;
    private DateTimeOffset? _refusedSince;

    public LinkedInVersionMonitor(IMeterFactory meterFactory, IOptions<LinkedInPostingOptions> options, TimeProvider time, ILogger<LinkedInVersionMonitor> logger)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        _time = time;
        Pinned = options.Value.LinkedInVersion;
        _refusals = meterFactory.Create(Telemetry.TokenWorkersMetrics.MeterName).CreateCounter<long>(
            "tokenworkers.linkedin.version_refusals", "{call}",
            "Versioned LinkedIn calls refused because LinkedIn no longer serves the pinned LinkedIn-Version (426 NONEXISTENT_VERSION).");
    }

    public string Pinned { get; }

    /// <summary>
    /// The end of the pinned version's support as LinkedIn's pattern suggests (the 15th of the month a year after its
    /// release); LinkedIn's own table (its migrations page) is the authority, so this only warns.
    /// </summary>
    public DateTimeOffset? EstimatedSunset =>
        DateTime.TryParseExact(Pinned[..Math.Min(6, Pinned.Length)], "yyyyMM", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var released)
            ? new DateTimeOffset(released.Year + 1, released.Month, 15, 0, 0, 0, TimeSpan.Zero)
            : null;

    /// <summary>A start-up warning when the pinned version is near or past its usual end of support.</summary>
    public void WarnIfOld()
    {
        if (EstimatedSunset is { } sunset && sunset - _time.GetUtcNow() < WarnBeforeSunset)
        {
            LogNearSunset(_logger, Pinned, Setting, sunset);
        }
    }

    public void Refused(string version)
    {
        _refusals.Add(1);
        lock (_gate)
        {
            if (_refusedVersion == version)
            {
                return;
            }

            _refusedVersion = version;
            _refusedSince = _time.GetUtcNow();
        }

        LogRefused(_logger, version, Setting);
    }

    public void Accepted(string version)
    {
        lock (_gate)
        {
            if (_refusedVersion == version)
            {
                _refusedVersion = null;
                _refusedSince = null;
            }
        }
    }

    public HealthCheckResult Check()
    {
        lock (_gate)
        {
            var data = new Dictionary<string, object> { ["pinned"] = Pinned, ["setting"] = Setting };
            if (EstimatedSunset is { } sunset)
            {
                data["estimatedSunset"] = sunset;
            }

            return _refusedVersion is null
                ? HealthCheckResult.Healthy($"LinkedIn-Version {Pinned} is served.", data)
                : HealthCheckResult.Degraded(
                    $"LinkedIn no longer serves LinkedIn-Version {_refusedVersion} (426 NONEXISTENT_VERSION since {RefusedSince():O}): set {Setting} " +
                    "to a current version; posts are held until then.", data: data);
        }
    }

    private DateTimeOffset RefusedSince() => _refusedSince ?? _time.GetUtcNow();

    [LoggerMessage(EventId = 240, Level = LogLevel.Critical,
        Message = "LinkedIn no longer serves LinkedIn-Version {Version} (426 NONEXISTENT_VERSION): set {Setting} to a current version. " +
                  "This is a configuration failure, not a member's: posts are held, not failed, until a versioned call succeeds")]
    private static partial void LogRefused(ILogger logger, string version, string setting);

    [LoggerMessage(EventId = 241, Level = LogLevel.Warning,
        Message = "LinkedIn-Version {Version} ({Setting}) is near or past its usual end of support (about {Sunset:yyyy-MM-dd}); " +
                  "check LinkedIn's migrations page and move to a current version")]
    private static partial void LogNearSunset(ILogger logger, string version, string setting, DateTimeOffset sunset);
}

/// <summary>Feeds <see cref="LinkedInVersionMonitor"/> from every versioned call (one carrying LinkedIn-Version).</summary>
public sealed class LinkedInVersionHandler(LinkedInVersionMonitor monitor) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = await base.SendAsync(request, cancellationToken);
        if (request.Headers.TryGetValues("LinkedIn-Version", out var versions) && versions.FirstOrDefault() is { } version)
        {
            if ((int)response.StatusCode == 426)
            {
                monitor.Refused(version);
            }
            else if (response.IsSuccessStatusCode)
            {
                monitor.Accepted(version);
            }
        }

        return response;
    }
}

/// <summary>Degraded while LinkedIn refuses the pinned version.</summary>
public sealed class LinkedInVersionHealthCheck(LinkedInVersionMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(monitor.Check());
}
