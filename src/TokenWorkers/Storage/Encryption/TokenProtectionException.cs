namespace TokenWorkers.Storage.Encryption;

/// <summary>A stored token could not be decrypted. The message names the key and the connection, never the token.</summary>
public sealed class TokenProtectionException : Exception
{
    public TokenProtectionException()
    {
    }

    public TokenProtectionException(string message)
        : base(message)
    {
    }

    public TokenProtectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
