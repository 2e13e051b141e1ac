namespace TokenWorkers.Storage.Encryption;

/// <summary>
/// A token as it is stored: the id of the key that encrypted it and the AES-GCM output
/// (12-byte nonce, ciphertext, 16-byte tag, in that order).
/// </summary>
public sealed record ProtectedToken(string KeyId, byte[] Ciphertext);
