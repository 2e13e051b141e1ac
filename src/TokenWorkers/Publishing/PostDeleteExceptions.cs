namespace TokenWorkers.Publishing;

/// <summary>
/// LinkedIn refused to delete the post (403 not the member's or missing permission, 429 daily limit, another 4xx, a grant
/// only the member can renew) or cannot find a post the worker did not publish. Retrying now cannot help: the command goes
/// to the error queue with this reason, and nothing is recorded as deleted.
/// </summary>
public sealed class PostNotDeletedException : Exception
{
    public PostNotDeletedException()
    {
    }

    public PostNotDeletedException(string message)
        : base(message)
    {
    }

    public PostNotDeletedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The delete cannot be done yet: LinkedIn failed transiently (5xx, no answer, unreachable) or the post is still being
/// published. The consumer definition's retries try again; once they are spent the command goes to the error queue with
/// this reason. Nothing is recorded as deleted.
/// </summary>
public sealed class PostDeleteDeferredException : Exception
{
    public PostDeleteDeferredException()
    {
    }

    public PostDeleteDeferredException(string message)
        : base(message)
    {
    }

    public PostDeleteDeferredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
