namespace TokenWorkers.Posts;

/// <summary>What one attempt to publish a post came to.</summary>
public enum PublishOutcome
{
    Published,
    Failed,

    /// <summary>Held in the ledger: a rate limit (until NotBefore), re-authorization, or an unknown outcome to settle at NotBefore.</summary>
    Waiting,

    /// <summary>A transient failure that surely did not create the post; a quick retry or the resumption scan tries again.</summary>
    RetryLater,

    /// <summary>Another holder is on it, or it is waiting and nothing changed.</summary>
    NothingToDo,

    /// <summary>An answer was lost and the post could not be settled in time: stopped for an operator (PostOutcomeUnknown).</summary>
    Unresolved,
}
