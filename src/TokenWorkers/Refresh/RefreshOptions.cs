using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;

namespace TokenWorkers.Refresh;

/// <summary>When and how the worker refreshes, warns and backs off.</summary>
public sealed class RefreshOptions
{
    public const string SectionName = "Refresh";

    /// <summary>How often the refresh scan looks for due connections.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The most connections one scan claims; the rest wait for the next scan.</summary>
    [Range(1, 100_000)]
    public int ScanBatchSize { get; set; } = 1_000;

    /// <summary>Refresh this long before the access token expires.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "59.00:00:00")]
    public TimeSpan RefreshLead { get; set; } = TimeSpan.FromDays(10);

    /// <summary>
    /// Up to this much earlier still, chosen per connection, so that connections onboarded together
    /// do not all refresh in the same minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan RefreshJitter { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// An imported connection is first looked at no sooner than a random moment within this long after its import, so an
    /// import of thousands of connections already due does not refresh them all in the same minute. Zero switches it off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan ImportSpread { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a worker may hold a connection while it talks to LinkedIn. Start-up refuses one shorter than
    /// <c>LinkedIn:RequestTimeout</c> plus the time to store the answer plus <see cref="ClockSkewTolerance"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The most the clocks of two instances may differ. A lease written by one instance's clock is judged by another's, so
    /// every lease and post claim covers its call plus this much. NTP keeps servers within milliseconds; the default is generous.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ClockSkewTolerance { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A claimed connection whose RefreshDue was lost (a crash) is dispatched again after this long.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>First wait after a transient failure; doubled per consecutive failure, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The longest wait between attempts after transient failures.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long to wait before trying again after a configuration failure (for example a wrong client secret).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan ConfigurationRetryDelay { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Days before a connection's deadline at which a ReauthSoon warning is sent, each once. Default 30, 14, 7, 1.</summary>
    /// <remarks>Nullable because the configuration binder appends to a non-empty default array instead of replacing it.</remarks>
    public int[]? WarningDays { get; set; }

    /// <summary>Quick in-process retries of a RefreshDue after a transient failure, before the store's backoff takes over.</summary>
    [Range(0, 10)]
    public int QuickRetryCount { get; set; } = 2;

    /// <summary>Wait before the first quick retry; each further one waits this much longer.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan QuickRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    public IReadOnlyList<int> EffectiveWarningDays =>
        (WarningDays ?? [30, 14, 7, 1]).Distinct().OrderDescending().ToArray();

    /// <summary>The values <see cref="RefreshSchedule"/> computes with.</summary>
    public ScheduleRules ToScheduleRules() => new(RefreshLead, RefreshJitter, EffectiveWarningDays, RetryBaseDelay, RetryMaxDelay);
}

/// <summary>Rules that span several settings; every error names its setting.</summary>
public sealed class RefreshOptionsValidator : IValidateOptions<RefreshOptions>
{
    public ValidateOptionsResult Validate(string? name, RefreshOptions options)
    {
        var errors = new List<string>();
        if (options.WarningDays is { } days && days.Any(d => d <= 0 || d > 365))
        {
            errors.Add($"{RefreshOptions.SectionName}:WarningDays must hold whole days between 1 and 365.");
        }

        if (options.RetryMaxDelay < options.RetryBaseDelay)
        {
            errors.Add($"{RefreshOptions.SectionName}:RetryMaxDelay must not be shorter than {RefreshOptions.SectionName}:RetryBaseDelay.");
        }

        if (options.ClaimTimeout <= options.LeaseDuration)
        {
            errors.Add($"{RefreshOptions.SectionName}:ClaimTimeout must be longer than {RefreshOptions.SectionName}:LeaseDuration.");
        }

        return errors.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(errors);
    }
}
