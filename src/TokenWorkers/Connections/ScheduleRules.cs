namespace TokenWorkers.Connections;

/// <summary>
/// The settings <see cref="RefreshSchedule"/> computes with, as plain values so the core needs no options system.
/// Built from the <c>Refresh</c> settings by the refresh capability.
/// </summary>
/// <param name="RefreshLead">Refresh this long before the access token expires.</param>
/// <param name="RefreshJitter">Up to this much earlier still, stable per connection.</param>
/// <param name="WarningDays">Days before the deadline at which a warning is sent, most distant first.</param>
/// <param name="RetryBaseDelay">First wait after a transient failure; doubled per consecutive failure.</param>
/// <param name="RetryMaxDelay">The longest wait between attempts.</param>
public sealed record ScheduleRules(
    TimeSpan RefreshLead,
    TimeSpan RefreshJitter,
    IReadOnlyList<int> WarningDays,
    TimeSpan RetryBaseDelay,
    TimeSpan RetryMaxDelay);
