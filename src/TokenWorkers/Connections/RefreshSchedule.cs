using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using TokenWorkers.Contracts;

namespace TokenWorkers.Connections;

/// <summary>
/// The arithmetic of a connection's life: when to refresh, when to warn, when it is dead, and when the
/// scan must look at it next. Pure functions of the connection and the time.
/// </summary>
public sealed class RefreshSchedule(ScheduleRules rules)
{
    /// <summary>A refreshed access token ending this close to the refresh token's end cannot be extended further.</summary>
    private static readonly TimeSpan ExtensionTolerance = TimeSpan.FromMinutes(1);

    private readonly ScheduleRules _options = rules ?? throw new ArgumentNullException(nameof(rules));

    /// <summary>
    /// True when a refresh would give a later access-token expiry: there is a refresh token, its hard end
    /// has not passed, and the current access token does not already end with it (LinkedIn never lets an
    /// access token outlive its refresh token, so refreshing then only burns calls).
    /// </summary>
    public static bool CanExtend(Connection connection, DateTimeOffset now) =>
        connection.RefreshToken is not null &&
        (connection.RefreshTokenExpiresAt is not { } hardEnd ||
         (now < hardEnd && (connection.AccessTokenExpiresAt is not { } expiry || expiry < hardEnd - ExtensionTolerance)));

    /// <summary>
    /// True when a refresh can still issue a new access token at all: there is a refresh token and its hard end has not
    /// passed. Weaker than <see cref="CanExtend"/>: an access token LinkedIn refused is worth replacing even when the new one
    /// cannot outlive it.
    /// </summary>
    public static bool CanReplace(Connection connection, DateTimeOffset now) =>
        connection.RefreshToken is not null && (connection.RefreshTokenExpiresAt is not { } hardEnd || now < hardEnd);

    /// <summary>When the access token enters its refresh window (lead plus this connection's jitter).</summary>
    public DateTimeOffset? RefreshAt(Connection connection, DateTimeOffset now)
    {
        if (!CanExtend(connection, now))
        {
            return null;
        }

        return connection.AccessTokenExpiresAt is { } expiry
            ? expiry - _options.RefreshLead - JitterFor(connection.ConnectionId)
            : now; // A refresh token without a known access expiry: refresh to learn it.
    }

    /// <summary>
    /// When the connection stops working unless the member logs in again: the refresh token's hard end
    /// when there is one, otherwise the access token's expiry. Null when neither is known.
    /// </summary>
    public static (DateTimeOffset At, ReauthReason Reason)? Deadline(Connection connection) =>
        connection switch
        {
            { RefreshToken: not null, RefreshTokenExpiresAt: { } hardEnd } => (hardEnd, ReauthReason.RefreshTokenEnding),
            { RefreshToken: null, AccessTokenExpiresAt: { } expiry } => (expiry, ReauthReason.NoRefreshToken),
            _ => null,
        };

    /// <summary>The thresholds already announced for the current deadline; a new deadline starts afresh.</summary>
    public static IReadOnlyList<int> WarningsSentFor(Connection connection, DateTimeOffset deadline) =>
        connection.WarningDeadline == deadline ? connection.ReauthWarningsSent : [];

    /// <summary>
    /// The warning to send now, if any: the most urgent threshold already crossed and not yet sent.
    /// Thresholds crossed before it (a connection created 10 days before its deadline) are marked as
    /// sent with it, so each threshold is announced at most once and stale ones never.
    /// </summary>
    public (int DaysBefore, IReadOnlyList<int> SentAfter)? WarningDue(Connection connection, DateTimeOffset now)
    {
        if (Deadline(connection) is not { } deadline || now >= deadline.At)
        {
            return null;
        }

        var sent = WarningsSentFor(connection, deadline.At);
        var crossed = _options.WarningDays.Where(d => now >= deadline.At - TimeSpan.FromDays(d)).ToArray();
        var unsent = crossed.Except(sent).ToArray();
        if (unsent.Length == 0)
        {
            return null;
        }

        return (unsent.Min(), sent.Union(crossed).OrderDescending().ToArray());
    }

    /// <summary>The next future moment a warning threshold is crossed.</summary>
    public DateTimeOffset? NextWarningAt(Connection connection, DateTimeOffset now)
    {
        if (Deadline(connection) is not { } deadline)
        {
            return null;
        }

        var sent = WarningsSentFor(connection, deadline.At);
        return _options.WarningDays
            .Where(d => !sent.Contains(d))
            .Select(d => deadline.At - TimeSpan.FromDays(d))
            .Where(at => at > now)
            .Cast<DateTimeOffset?>()
            .Min();
    }

    /// <summary>
    /// When the scan must look at the connection next: the earliest of its refresh time (not before
    /// <paramref name="refreshNotBefore"/>, used for claims and backoff), its next warning and its deadline.
    /// </summary>
    public DateTimeOffset? NextCheckAt(Connection connection, DateTimeOffset now, DateTimeOffset? refreshNotBefore = null)
    {
        if (connection.Status != ConnectionStatus.Active)
        {
            return null;
        }

        DateTimeOffset? refreshAt = RefreshAt(connection, now) is { } at
            ? refreshNotBefore is { } notBefore && notBefore > at ? notBefore : at
            : null;
        DateTimeOffset? deadline = Deadline(connection)?.At;
        // A threshold already crossed but not yet announced (a connection first seen 5 days before its
        // deadline) is due now, not at the next future threshold.
        DateTimeOffset? warning = WarningDue(connection, now) is not null ? now : NextWarningAt(connection, now);
        return new[] { refreshAt, warning, deadline }.Where(t => t is not null).Min();
    }

    /// <summary>Exponential backoff with jitter after <paramref name="failureCount"/> consecutive failures.</summary>
    public TimeSpan BackoffAfter(int failureCount)
    {
        var exponent = Math.Clamp(failureCount - 1, 0, 30);
        var ceiling = Math.Min(_options.RetryMaxDelay.TotalMilliseconds, _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        // Equal jitter: at least half the ceiling, so retries spread out but never come back immediately.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    /// <summary>Stable per connection, so a connection's place in the refresh window does not move between scans.</summary>
    private TimeSpan JitterFor(string connectionId)
    {
        if (_options.RefreshJitter <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var hash = BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(connectionId)));
        return TimeSpan.FromTicks((long)(hash % (ulong)_options.RefreshJitter.Ticks));
    }
}
