namespace TokenWorkers.Ports;

/// <summary>
/// The request to LinkedIn failed below the protocol (connection refused or reset, timeout): a retry may cure it.
/// The message names the endpoint only, never the request's form.
/// </summary>
public sealed class LinkedInTransportException : Exception
{
    public LinkedInTransportException()
    {
    }

    public LinkedInTransportException(string message)
        : base(message)
    {
    }

    public LinkedInTransportException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
