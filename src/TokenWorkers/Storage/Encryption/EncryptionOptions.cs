namespace TokenWorkers.Storage.Encryption;

/// <summary>
/// The key ring that encrypts tokens at rest (section <c>Encryption</c>). Keys are secrets: supply them
/// through environment variables (<c>Encryption__Keys__{id}</c>) or files (<c>Encryption__KeyFiles__{id}</c>, mounted
/// secrets), never committed settings.
/// </summary>
/// <remarks>
/// To rotate, one rolling restart per step: add the new key on every instance; then make it active on every
/// instance; then run the re-encryption sweep (<c>POST /admin/encryption/reencrypt</c> or <c>TokenWorkers reencrypt</c>);
/// then remove the old key. The order keeps every row readable by every running instance (docs/key-rotation.md).
/// </remarks>
public sealed class EncryptionOptions
{
    public const string SectionName = "Encryption";

    /// <summary>The id of the key in <see cref="Keys"/> or <see cref="KeyFiles"/> that encrypts every new write.</summary>
    public string? ActiveKeyId { get; set; }

    /// <summary>
    /// Key id → base64 of 32 random bytes (AES-256), for example from <c>openssl rand -base64 32</c>.
    /// Ids are stored beside each ciphertext, so an id must never be reused for a different key.
    /// </summary>
    public IDictionary<string, string> Keys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Key id → a file holding the key's base64 (a mounted secret such as <c>/run/secrets/encryption_key_2026</c>; surrounding
    /// whitespace is ignored). An id is given here or in <see cref="Keys"/>, not both.
    /// </summary>
    public IDictionary<string, string> KeyFiles { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
