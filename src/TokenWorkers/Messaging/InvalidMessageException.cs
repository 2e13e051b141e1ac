namespace TokenWorkers.Messaging;

/// <summary>A message is structurally invalid: retrying cannot help, it goes to the error queue with this reason.</summary>
public sealed class InvalidMessageException : Exception
{
    public InvalidMessageException()
    {
    }

    public InvalidMessageException(string message)
        : base(message)
    {
    }

    public InvalidMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
