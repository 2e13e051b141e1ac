namespace TokenWorkers.Events;

/// <summary>Why a stored aggregate could not be read.</summary>
public enum UnreadableReason
{
    /// <summary>Its tokens are under a key id this instance has not configured: retired too early, or not added here yet.</summary>
    UnknownKey = 1,

    /// <summary>A ciphertext does not authenticate: altered, moved from another row or field, or its key's value changed under the same id.</summary>
    Tampered = 2,

    /// <summary>The stored document does not parse as the aggregate.</summary>
    Malformed = 3,
}

/// <summary>
/// A stored aggregate that could not be read, returned by a query in its place so that one bad row never fails the
/// query for the others. Holds enough to find, show and flag the row, and never a secret.
/// </summary>
/// <param name="Id">The aggregate's key.</param>
/// <param name="Version">The stored version, which a flag is conditional on.</param>
/// <param name="Message">What is wrong, naming keys and settings, never a token or a key.</param>
/// <param name="FlaggedAt">When some instance flagged it in the store; null until one did.</param>
public sealed record UnreadableRow(string Id, long Version, UnreadableReason Reason, string Message, DateTimeOffset? FlaggedAt = null)
{
    /// <summary>
    /// How long a flagged row stays out of the due and outbox queries before they read it again: long enough that a bad
    /// row costs nothing in the scan's loop, short enough that a row another instance can read (one holding a key this
    /// one lacks) is not left behind for long. Both adapters apply it to the time the query is asked for.
    /// </summary>
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromHours(1);
}

/// <summary>The aggregate asked for by id is stored but cannot be read; <see cref="Row"/> says why.</summary>
public sealed class UnreadableRowException : Exception
{
    public UnreadableRowException()
    {
    }

    public UnreadableRowException(string message)
        : base(message)
    {
    }

    public UnreadableRowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public UnreadableRowException(UnreadableRow row, Exception? innerException = null)
        : base($"'{row?.Id}' is stored but cannot be read ({row?.Reason}): {row?.Message}", innerException)
    {
        Row = row;
    }

    /// <summary>The row, when the store could say which and why.</summary>
    public UnreadableRow? Row { get; }
}
