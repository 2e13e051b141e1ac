using System.Security.Cryptography;
using System.Text.Json;
using TokenWorkers.Events;
using TokenWorkers.Storage.Encryption;

namespace TokenWorkers.Storage;

/// <summary>
/// How both adapters turn one stored row into an aggregate or, when its content is bad, into an
/// <see cref="UnreadableRow"/> with the same reason and a message that never quotes a token, so one row cannot fail a
/// query for the others.
/// </summary>
internal static class StoredRows
{
    /// <summary>
    /// Decodes one row. Decoding is pure (the row is already in memory), so any exception it throws is about the row's
    /// content; it is classified rather than allowed to fail the batch.
    /// </summary>
    /// <param name="keyIds">The key ids the row's tokens are stored under (nulls for absent tokens).</param>
    /// <param name="hasKey">Whether this instance has a key configured.</param>
    public static bool TryDecode<T>(
        string id,
        long version,
        DateTimeOffset? flaggedAt,
        IEnumerable<string?> keyIds,
        Func<string, bool> hasKey,
        Func<T> decode,
        out T? value,
        out UnreadableRow? unreadable)
    {
        value = default;
        // Checked before decrypting: a missing key is an operator's fix (add it back), not a sign of tampering.
        if (keyIds.OfType<string>().FirstOrDefault(k => !hasKey(k)) is { } unknown)
        {
            unreadable = new UnreadableRow(id, version, UnreadableReason.UnknownKey, UnknownKey(unknown), flaggedAt);
            return false;
        }

        try
        {
            value = decode();
            unreadable = null;
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            unreadable = Classify(id, version, flaggedAt, ex);
            return false;
        }
    }

    /// <summary>The row for a decoding failure: a ciphertext that does not authenticate, or a document that does not parse.</summary>
    public static UnreadableRow Classify(string id, long version, DateTimeOffset? flaggedAt, Exception ex)
    {
        ArgumentNullException.ThrowIfNull(ex);
        return ex switch
        {
            // The protector's own messages name the connection, the token kind and the key, never the token.
            TokenProtectionException => new(id, version, UnreadableReason.Tampered, ex.Message, flaggedAt),
            CryptographicException => new(id, version, UnreadableReason.Tampered,
                "A stored token does not authenticate: it was altered or moved, or its key's value changed.", flaggedAt),
            _ => new(id, version, UnreadableReason.Malformed, Malformed(ex), flaggedAt),
        };
    }

    private static string UnknownKey(string keyId) =>
        $"Its tokens are under key '{keyId}', which is not configured here. Add it back as the setting " +
        $"'{EncryptionOptions.SectionName}:Keys:{keyId}' on every instance; retire a key only once the re-encryption " +
        "sweep left no connection under it.";

    // The exception's own message could quote the stored text; its type and the JSON path say enough.
    private static string Malformed(Exception ex) => ex is JsonException { Path: { } path }
        ? $"The stored document does not parse ({ex.GetType().Name} at {path})."
        : $"The stored document does not parse ({ex.GetType().Name}).";
}
