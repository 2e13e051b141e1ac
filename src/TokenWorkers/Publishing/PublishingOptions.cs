using System.ComponentModel.DataAnnotations;

namespace TokenWorkers.Publishing;

/// <summary>
/// How the worker publishes posts (section <c>Publishing</c>). Which LinkedIn endpoint creates them
/// (<c>Publishing:Api</c>, <c>Publishing:LinkedInVersion</c>) is read by the LinkedIn adapter, <see cref="LinkedIn.LinkedInPostingOptions"/>.
/// </summary>
public sealed class PublishingOptions
{
    public const string SectionName = "Publishing";

    /// <summary>An access token expiring within this margin is refreshed before posting.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan TokenExpiryMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a consumer may hold a post's claim while calling LinkedIn; an expired claim counts as an unknown outcome.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "00:30:00")]
    public TimeSpan ClaimDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a post waits for another instance that holds the connection's refresh lease before the message is retried.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan LeaseWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A post not finished this long after its last dispatch is dispatched again by the resumption scan: the safety net for
    /// a lost message or a retry budget spent on an outage, and the wait before settling an unknown outcome (long enough
    /// for LinkedIn to have finished the first call, well inside its duplicate window of about a day).
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan RedispatchAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long after a call whose answer was lost a post may still be settled by sending it again. LinkedIn refuses an
    /// identical post from the same author as a duplicate (naming the first), which makes the resend safe, but only within a
    /// window it does not document (reports say about a day). Past this, the post stops as OutcomeUnknown for an operator.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SettleWithin { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Refuse a PublishPost without <c>TenantId</c> (a <c>PostFailed</c>, nothing sent). False keeps senders written before
    /// the field existed working; a command that names a tenant is always checked against its connection.
    /// </summary>
    public bool RequireTenantId { get; set; }

    /// <summary>How far ahead <c>PublishPost.PublishAt</c> may be; a post scheduled later fails at once (nothing is held for years).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan MaxScheduleAhead { get; set; } = TimeSpan.FromDays(365);

    /// <summary>How often the resumption scan runs (it also releases scheduled posts, so it bounds how late they go out).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many posts are dispatched per scan, so a reset limit does not release a burst.</summary>
    [Range(1, 10_000)]
    public int ScanBatchSize { get; set; } = 50;

    /// <summary>
    /// How long a member's page roles, as LinkedIn's organizationAcls listed them, are trusted before a post as an organization
    /// asks again. Kept in each instance's memory: instances do not share it, and a role removed at LinkedIn is noticed
    /// within this time (LinkedIn itself still refuses the post).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan OrganizationAccessCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Quick in-process retries of a transient failure (5xx, unreachable) before the scan takes over; an unknown outcome is left to the scan.</summary>
    [Range(0, 10)]
    public int QuickRetryCount { get; set; } = 3;

    /// <summary>The interval between quick retries (growing by this much each time).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan QuickRetryInterval { get; set; } = TimeSpan.FromSeconds(2);
}
