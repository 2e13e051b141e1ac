namespace TokenWorkers.Storage.Encryption;

/// <summary>
/// The key ring that encrypts tokens at rest (section <c>Encryption</c>). Keys are secrets: supply them
/// through environment variables (<c>Encryption__Keys__{id}</c>) or a secrets file, never committed settings.
/// </summary>
/// <remarks>
/// To rotate: add a new key, make it active, and keep the old one in <see cref="Keys"/> for as long as
/// tokens encrypted with it are stored. Every token written after the switch uses the new key.
/// </remarks>
public sealed class EncryptionOptions
{
    public const string SectionName = "Encryption";

    /// <summary>The id of the key in <see cref="Keys"/> that encrypts every new write.</summary>
    public string? ActiveKeyId { get; set; }

    /// <summary>
    /// Key id → base64 of 32 random bytes (AES-256), for example from <c>openssl rand -base64 32</c>.
    /// Ids are stored beside each ciphertext, so an id must never be reused for a different key.
    /// </summary>
    public IDictionary<string, string> Keys { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
