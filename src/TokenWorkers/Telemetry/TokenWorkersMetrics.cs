using System.Diagnostics;
using System.Diagnostics.Metrics;
using TokenWorkers.Connections;
using TokenWorkers.Posts;

namespace TokenWorkers.Telemetry;

/// <summary>
/// The worker's instruments on the <c>TokenWorkers</c> meter. OpenTelemetry exports them (Telemetry:Exporter);
/// without an exporter they cost a branch per call. Tags are bounded enums, never ids, so series stay few.
/// </summary>
public sealed class TokenWorkersMetrics
{
    public const string MeterName = "TokenWorkers";

    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _refreshesSkipped;
    private readonly Histogram<double> _refreshDuration;
    private readonly Counter<long> _posts;
    private readonly Counter<long> _proxyCalls;
    private readonly Counter<long> _proxyLinkedInCalls;

    public TokenWorkersMetrics(IMeterFactory meterFactory, FleetMonitor fleet, KeyUsageMonitor keys, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _refreshes = meter.CreateCounter<long>(
            "tokenworkers.refreshes", "{refresh}", "Refresh-token exchanges attempted at LinkedIn, by outcome class, trigger and LinkedIn app.");
        _refreshesSkipped = meter.CreateCounter<long>(
            "tokenworkers.refreshes.skipped", "{refresh}", "Refresh requests that needed no exchange (not due, leased elsewhere, not active).");
        _refreshDuration = meter.CreateHistogram<double>(
            "tokenworkers.refresh.duration", "s", "From taking the lease to storing the outcome of one exchange, LinkedIn's answer included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _posts = meter.CreateCounter<long>(
            "tokenworkers.posts", "{post}", "Attempts to publish a post, by outcome.");
        _proxyCalls = meter.CreateCounter<long>(
            "tokenworkers.proxy.calls", "{call}",
            "Calls through /proxy/linkedin, by admin key, method and outcome (LinkedIn's status class, or the proxy's refusal reason).");
        _proxyLinkedInCalls = meter.CreateCounter<long>(
            "tokenworkers.proxy.linkedin_calls", "{call}",
            "Calls the proxy made to LinkedIn (a retry after a 401 counts twice), by admin key: what counts against LinkedIn's daily limits.");

        meter.CreateObservableGauge("tokenworkers.connections", () => ConnectionsByStatus(fleet), "{connection}",
            "Stored connections by status, as of the last fleet summary.");
        meter.CreateObservableGauge("tokenworkers.connections.unreadable", () => Unreadable(fleet), "{connection}",
            "Connections flagged as unreadable (unknown key, tampered, malformed): skipped by the scan and the sweep until fixed.");
        meter.CreateObservableGauge("tokenworkers.connections.by_key_id", () => ConnectionsByKeyId(keys), "{connection}",
            "Connections holding a token under each key id, as of the last count: a key can be removed once it has none.");
        meter.CreateObservableGauge("tokenworkers.fleet.access_token.time_to_expiry", () => SecondsUntil(fleet, s => s.EarliestAccessTokenExpiry, time), "s",
            "Seconds until the earliest access token of an active connection expires (negative once it has).");
        meter.CreateObservableGauge("tokenworkers.fleet.refresh_token.time_to_end", () => SecondsUntil(fleet, s => s.EarliestRefreshTokenEnd, time), "s",
            "Seconds until the earliest refresh-token hard end of an active connection: after it only the member can revive it.");
    }

    /// <summary>The <c>app</c> tag of a call refused before its connection was read.</summary>
    public const string UnknownApp = "unknown";

    /// <summary>One exchange; <paramref name="app"/> is a configured app's name (a handful), so the series stay few.</summary>
    public void RefreshAttempted(AttemptTrigger trigger, RefreshOutcome outcome, TimeSpan duration, string app = Connection.DefaultApp)
    {
        var tags = new TagList { { "outcome", OutcomeClass(outcome) }, { "trigger", TriggerName(trigger) }, { "app", app } };
        _refreshes.Add(1, tags);
        _refreshDuration.Record(duration.TotalSeconds, tags);
    }

    public void RefreshSkipped(RefreshOutcome outcome) =>
        _refreshesSkipped.Add(1, new KeyValuePair<string, object?>("reason", OutcomeClass(outcome)));

    /// <summary>
    /// One post attempt; <paramref name="app"/> is the connection's app (a configured name), or null before the connection was
    /// read (a reused PostId, a refused command), tagged <c>unknown</c>.
    /// </summary>
    public void PostAttempted(PublishOutcome outcome, string? app = null) =>
        _posts.Add(1, new TagList
        {
            {
                "outcome", outcome switch
                {
                    PublishOutcome.Published => "published",
                    PublishOutcome.Failed => "failed",
                    PublishOutcome.Waiting => "waiting",
                    PublishOutcome.RetryLater => "retry_later",
                    _ => "nothing_to_do",
                }
            },
            { "app", app ?? UnknownApp },
        });

    /// <summary>
    /// One call through the proxy. Key names are configuration (a handful), methods and outcomes are bounded; the connection
    /// id is a tag only when <paramref name="connectionId"/> is given (Proxy:MetricsPerConnection); <paramref name="app"/> is the
    /// connection's app, null (tagged <c>unknown</c>) when the call was refused before the connection was found.
    /// </summary>
    public void ProxyCalled(string key, string method, string outcome, int linkedInCalls, string? connectionId, string? app = null)
    {
        var tags = new TagList { { "key", key }, { "method", MethodName(method) }, { "outcome", outcome }, { "app", app ?? UnknownApp } };
        if (connectionId is not null)
        {
            tags.Add("connection_id", connectionId);
        }

        _proxyCalls.Add(1, tags);
        if (linkedInCalls > 0)
        {
            var linkedInTags = new TagList { { "key", key }, { "app", app ?? UnknownApp } };
            if (connectionId is not null)
            {
                linkedInTags.Add("connection_id", connectionId);
            }

            _proxyLinkedInCalls.Add(linkedInCalls, linkedInTags);
        }
    }

    /// <summary>An answer's status as a bounded tag: <c>2xx</c>, <c>4xx</c>, ...</summary>
    public static string StatusClass(int status) => status is >= 100 and <= 599 ? $"{status / 100}xx" : "other";

    private static string MethodName(string method) => method.ToUpperInvariant() switch
    {
        "GET" or "HEAD" or "OPTIONS" or "POST" or "PUT" or "PATCH" or "DELETE" => method.ToUpperInvariant(),
        _ => "OTHER",
    };

    /// <summary>The outcome class as a metric tag: what an operator alerts on.</summary>
    public static string OutcomeClass(RefreshOutcome outcome) => outcome switch
    {
        RefreshOutcome.Refreshed => "refreshed",
        RefreshOutcome.ReauthRequired => "reauth",
        RefreshOutcome.TransientFailure => "transient",
        RefreshOutcome.RateLimited => "rate_limited",
        RefreshOutcome.ConfigurationFailure => "configuration",
        RefreshOutcome.LostRace => "superseded",
        RefreshOutcome.LeaseLost => "lease_lost",
        RefreshOutcome.NotDue => "not_due",
        RefreshOutcome.Leased => "leased",
        RefreshOutcome.NotActive => "not_active",
        _ => "other",
    };

    private static string TriggerName(AttemptTrigger trigger) => trigger switch
    {
        AttemptTrigger.Scheduled => "scheduled",
        AttemptTrigger.Forced => "forced",
        AttemptTrigger.BeforePost => "before_post",
        _ => "other",
    };

    private static IEnumerable<Measurement<long>> ConnectionsByStatus(FleetMonitor fleet)
    {
        if (fleet.Latest is not { } latest)
        {
            yield break;
        }

        foreach (var status in Enum.GetValues<ConnectionStatus>())
        {
            yield return new Measurement<long>(latest.Summary.CountOf(status), new KeyValuePair<string, object?>("status", StatusName(status)));
        }
    }

    private static IEnumerable<Measurement<long>> Unreadable(FleetMonitor fleet)
    {
        if (fleet.Latest is { } latest)
        {
            yield return new Measurement<long>(latest.Summary.Unreadable);
        }
    }

    // Key ids are configuration (a handful per deployment), never connection ids, so the series stay few.
    private static IEnumerable<Measurement<long>> ConnectionsByKeyId(KeyUsageMonitor keys)
    {
        if (keys.Latest is not { } usage)
        {
            yield break;
        }

        foreach (var (keyId, count) in usage.ConnectionsByKeyId)
        {
            yield return new Measurement<long>(count, new KeyValuePair<string, object?>("key_id", keyId));
        }
    }

    private static IEnumerable<Measurement<double>> SecondsUntil(FleetMonitor fleet, Func<FleetSummary, DateTimeOffset?> deadline, TimeProvider time)
    {
        if (fleet.Latest is { } latest && deadline(latest.Summary) is { } at)
        {
            yield return new Measurement<double>((at - time.GetUtcNow()).TotalSeconds);
        }
    }

    private static string StatusName(ConnectionStatus status) => status switch
    {
        ConnectionStatus.Active => "active",
        ConnectionStatus.ReauthRequired => "reauth_required",
        _ => "disconnected",
    };
}
