namespace TokenWorkers.Storage.Mongo;

/// <summary>
/// The MongoDB store cannot work as configured: a bad connection string, an unreachable server, refused
/// credentials or indexes that cannot be created. The message names the setting and the hosts, never a password.
/// </summary>
public sealed class MongoStorageException : Exception
{
    public MongoStorageException()
    {
    }

    public MongoStorageException(string message)
        : base(message)
    {
    }

    public MongoStorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
