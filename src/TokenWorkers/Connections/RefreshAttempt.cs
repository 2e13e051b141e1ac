using TokenWorkers.Contracts;

namespace TokenWorkers.Connections;

/// <summary>
/// One entry of a connection's timeline: an attempt to obtain tokens (or to give them up), as operators see it.
/// Written in the same write as the state change it records, so the timeline never disagrees with the state.
/// Never holds a secret.
/// </summary>
/// <param name="At">When the outcome was stored.</param>
/// <param name="Trigger">What started the attempt.</param>
/// <param name="Outcome">What it came to.</param>
/// <param name="ErrorCode">LinkedIn's error code, when LinkedIn gave one.</param>
/// <param name="Version">The connection's version written with this entry.</param>
public sealed record RefreshAttempt(DateTimeOffset At, AttemptTrigger Trigger, AttemptOutcome Outcome, string? ErrorCode, long Version)
{
    /// <summary>The newest entries kept per connection; older ones are dropped as new ones arrive.</summary>
    public const int Kept = 32;
}

public enum AttemptTrigger
{
    /// <summary>The refresh scan found the connection due (a <c>RefreshDue</c> message).</summary>
    Scheduled = 1,

    /// <summary>An operator asked for a refresh now.</summary>
    Forced = 2,

    /// <summary>A post needed a fresher access token.</summary>
    BeforePost = 3,

    /// <summary>The member went through the connect flow.</summary>
    Connect = 4,

    /// <summary>An operator disconnected the connection.</summary>
    Disconnect = 5,
}

public enum AttemptOutcome
{
    /// <summary>New tokens from a refresh.</summary>
    Refreshed = 1,

    /// <summary>New tokens from the member authorizing the app (connect or reconnect).</summary>
    Authorized = 2,

    /// <summary>Tokens revoked at LinkedIn (or already dead there) and wiped.</summary>
    Disconnected = 3,

    /// <summary>Timeout, connection failure, 5xx or an unreadable answer; the tokens were kept.</summary>
    Transient = 4,

    /// <summary>429; the tokens were kept.</summary>
    RateLimited = 5,

    /// <summary>LinkedIn rejected the grant: the member must log in again.</summary>
    Reauth = 6,

    /// <summary>LinkedIn rejected the application's credentials; the tokens were kept.</summary>
    Configuration = 7,

    /// <summary>A scope or product is missing; the tokens were kept.</summary>
    Permission = 8,

    /// <summary>LinkedIn rejected a refresh token that someone else had already replaced: not a failure of the grant.</summary>
    Superseded = 9,
}

public static class AttemptOutcomes
{
    /// <summary>The timeline outcome of a failed LinkedIn call of class <paramref name="failure"/>.</summary>
    public static AttemptOutcome Of(FailureClass failure) => failure switch
    {
        FailureClass.RateLimited => AttemptOutcome.RateLimited,
        FailureClass.Reauth => AttemptOutcome.Reauth,
        FailureClass.Configuration => AttemptOutcome.Configuration,
        FailureClass.Permission => AttemptOutcome.Permission,
        _ => AttemptOutcome.Transient,
    };
}
