namespace TokenWorkers.Messaging;

/// <summary>
/// A consumer's work failed transiently and its next attempt is already held in the store (a backoff, a NotBefore).
/// Thrown so that the endpoint's quick retries can try again first; once they are spent, <see cref="HeldInStoreFilter{TConsumer}"/>
/// completes the message instead of faulting it, and the store's scan takes over.
/// </summary>
public sealed class HeldInStoreException : Exception
{
    public HeldInStoreException()
    {
    }

    public HeldInStoreException(string message)
        : base(message)
    {
    }

    public HeldInStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
