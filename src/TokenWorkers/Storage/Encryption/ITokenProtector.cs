using TokenWorkers.Connections;

namespace TokenWorkers.Storage.Encryption;

/// <summary>
/// Encrypts tokens for storage and decrypts them on the way back. A ciphertext is bound to its
/// connection and token kind: copied to another connection or field, it no longer decrypts.
/// </summary>
public interface ITokenProtector
{
    /// <summary>Encrypts with the active key.</summary>
    ProtectedToken Protect(SecretToken token, string connectionId, TokenKind kind);

    /// <summary>Decrypts with the key named in <paramref name="value"/>, active or retired.</summary>
    /// <exception cref="TokenProtectionException">
    /// The key is not configured, or the ciphertext does not authenticate for this connection and kind.
    /// </exception>
    SecretToken Unprotect(ProtectedToken value, string connectionId, TokenKind kind);

    /// <summary>The id of the key <see cref="Protect"/> writes with.</summary>
    string ActiveKeyId { get; }

    /// <summary>Whether a key of this id is configured, so a ciphertext under it can be decrypted here.</summary>
    bool HasKey(string keyId);
}
