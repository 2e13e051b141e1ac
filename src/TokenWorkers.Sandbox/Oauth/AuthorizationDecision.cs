namespace TokenWorkers.Sandbox;

/// <summary>What the simulated member does on LinkedIn's consent screen.</summary>
public enum AuthorizationDecision
{
    /// <summary>Accept every requested scope; the browser returns with a code.</summary>
    Consent,

    /// <summary>Refuse; the browser returns with <c>error=user_cancelled_authorize</c>.</summary>
    Deny,
}
