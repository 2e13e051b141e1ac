using TokenWorkers.Connections;

namespace TokenWorkers.Storage.Mongo;

/// <summary>
/// How the MongoDB store turns a token into what it stores and back. The store never sees a key: the
/// implementation wraps the worker's token protector (authenticated encryption bound to the connection id
/// and the token kind, so a token copied into another document or field does not decrypt).
/// </summary>
public interface IMongoTokenCodec
{
    MongoProtectedToken Protect(SecretToken token, string connectionId, MongoTokenKind kind);

    /// <exception cref="System.Security.Cryptography.CryptographicException">The value was tampered with, moved, or its key is unknown.</exception>
    SecretToken Unprotect(MongoProtectedToken value, string connectionId, MongoTokenKind kind);

    /// <summary>The key id <see cref="Protect"/> writes under: rows under any other are what the re-encryption sweep rewrites.</summary>
    string ActiveKeyId { get; }

    /// <summary>Whether values under <paramref name="keyId"/> can be unprotected here (the key is configured).</summary>
    bool HasKey(string keyId);
}

/// <summary>Which of a connection's tokens a value is; part of what the protection is bound to.</summary>
public enum MongoTokenKind
{
    Access = 1,
    Refresh = 2,
}

/// <summary>A protected token as stored: <c>{ keyId: string, data: BinData }</c>.</summary>
/// <param name="KeyId">The key that protected it, so keys can rotate while old values stay readable.</param>
/// <param name="Data">The ciphertext, stored as BSON binary (subtype 0).</param>
public sealed record MongoProtectedToken(string KeyId, ReadOnlyMemory<byte> Data);
