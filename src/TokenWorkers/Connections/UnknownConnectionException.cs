namespace TokenWorkers.Connections;

/// <summary>A message names a connection the store does not know: the message is invalid, not the store.</summary>
public sealed class UnknownConnectionException : Exception
{
    public UnknownConnectionException()
    {
    }

    public UnknownConnectionException(string connectionId)
        : base($"Connection '{connectionId}' does not exist.")
    {
        ConnectionId = connectionId;
    }

    public UnknownConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? ConnectionId { get; }
}
