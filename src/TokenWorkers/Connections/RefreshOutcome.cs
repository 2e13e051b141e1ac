namespace TokenWorkers.Connections;

/// <summary>What one attempt to refresh a connection came to.</summary>
public enum RefreshOutcome
{
    /// <summary>New tokens stored.</summary>
    Refreshed,

    /// <summary>Nothing to do: the access token is not in its refresh window (a duplicate RefreshDue, or already refreshed).</summary>
    NotDue,

    /// <summary>Nothing to do: the connection awaits re-authorization or was disconnected.</summary>
    NotActive,

    /// <summary>Nothing to do: another holder has a live lease and is refreshing it.</summary>
    Leased,

    /// <summary>LinkedIn rejected the grant and nobody else had refreshed it: ReauthRequired emitted.</summary>
    ReauthRequired,

    /// <summary>LinkedIn rejected our refresh token because someone else refreshed or reconnected first: no event.</summary>
    LostRace,

    /// <summary>Our lease was taken over while we talked to LinkedIn (we outlived it); the result was not stored.</summary>
    LeaseLost,

    /// <summary>A transient failure (transport, 5xx, garbage): recorded, backed off, tokens kept.</summary>
    TransientFailure,

    /// <summary>429: recorded, retried after the limit resets, tokens kept.</summary>
    RateLimited,

    /// <summary>The application is misconfigured (invalid_client...): recorded, retried later, members not bothered.</summary>
    ConfigurationFailure,
}
