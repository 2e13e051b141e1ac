using TokenWorkers.Events;

namespace TokenWorkers.Connections;

public static partial class ConnectionTransitions
{
    /// <summary>
    /// What an import line may do to the connection stored under its id, decided before LinkedIn is asked (so that a line
    /// that changes nothing costs no call) and again at the write: null when it may go on, otherwise the line's verdict.
    /// The same tokens again change nothing; other tokens replace them only with <see cref="ImportFacts.Overwrite"/>.
    /// </summary>
    public static ImportVerdict? ImportPrecheck(Connection? existing, ImportFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (existing is null)
        {
            return null;
        }

        if (existing.TenantId != facts.TenantId)
        {
            return ImportVerdict.Reject(ImportReasons.OtherTenant);
        }

        if (facts.AccessToken.Equals(existing.AccessToken) && Equals(facts.RefreshToken, existing.RefreshToken))
        {
            return ImportVerdict.Unchanged;
        }

        return facts.Overwrite ? null : ImportVerdict.Skip(ImportReasons.Exists);
    }

    /// <summary>
    /// Stores an imported grant: a new connection (version 1), or, with overwrite, new tokens for an existing one of the same
    /// member, which keeps its id, creation time, timeline and unsent events. The first check is not before
    /// <paramref name="notBefore"/> (the import's spread). Null with the <paramref name="verdict"/> when nothing is written.
    /// </summary>
    public static Change<Connection>? Import(
        Connection? existing, ImportFacts facts, TokenGrant grant, string memberUrn, DateTimeOffset now, DateTimeOffset notBefore,
        RefreshSchedule schedule, out ImportVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(schedule);
        if (ImportPrecheck(existing, facts) is { } early)
        {
            verdict = early;
            return null;
        }

        if (existing?.MemberUrn is { } member && !string.Equals(member, memberUrn, StringComparison.Ordinal))
        {
            verdict = ImportVerdict.Reject($"{ImportReasons.MemberMismatch}: the connection belongs to {member}, the token to {memberUrn}");
            return null;
        }

        var fresh = NewConnections.FromGrant(facts.ConnectionId, facts.TenantId, grant, schedule, now, memberUrn, facts.App);
        fresh = fresh with { NextRefreshAt = fresh.NextRefreshAt is { } due && due < notBefore ? notBefore : fresh.NextRefreshAt };
        verdict = ImportVerdict.Imported;
        if (existing is null)
        {
            return new(fresh.WithAttempt(Connected(now, 1)), ConnectionEvents.Authorized(fresh, 1, now, reconnected: false, imported: true));
        }

        var version = existing.Version + 1;
        var replaced = fresh with
        {
            CreatedAt = existing.CreatedAt,
            PendingEvents = existing.PendingEvents,
            Attempts = existing.Attempts,
            Version = existing.Version,
        };
        return new(replaced.WithAttempt(Connected(now, version)), ConnectionEvents.Authorized(replaced, version, now, reconnected: true, imported: true));
    }
}

/// <summary>The tokens and ids an import line names, as the import transitions take them.</summary>
public sealed record ImportFacts(
    string ConnectionId, string TenantId, SecretToken AccessToken, SecretToken? RefreshToken, bool Overwrite, string App = Connection.DefaultApp);

/// <summary>What became of one import line, and why when it was not imported.</summary>
public sealed record ImportVerdict(ImportResult Result, string? Reason)
{
    public static ImportVerdict Imported { get; } = new(ImportResult.Imported, null);

    public static ImportVerdict Unchanged { get; } = new(ImportResult.Unchanged, null);

    public static ImportVerdict Skip(string reason) => new(ImportResult.Skipped, reason);

    public static ImportVerdict Reject(string reason) => new(ImportResult.Rejected, reason);
}

/// <summary>The result of one import line, as the response and the command print it (lower case).</summary>
public enum ImportResult
{
    Imported = 1,
    Unchanged = 2,
    Skipped = 3,
    Rejected = 4,
}

/// <summary>How each reason of a skipped or rejected line begins, so a caller can count them by kind.</summary>
public static class ImportReasons
{
    public const string Exists = "exists; overwrite=true to replace";
    public const string OtherTenant = "unknown tenant: the connection belongs to another tenant";
    public const string BadJson = "bad JSON";
    public const string MissingField = "missing field";
    public const string InvalidField = "invalid field";
    public const string UnknownApp = "unknown app";
    public const string Duplicate = "duplicate";
    public const string TokenRejected = "token rejected by LinkedIn";
    public const string MemberMismatch = "member mismatch";
    public const string MemberUnknown = "member unknown";
    public const string LinkedInUnavailable = "LinkedIn did not answer; import this line again later";
    public const string Unreadable = "the stored connection cannot be read";
    public const string Busy = "the connection kept changing; import this line again";
}
