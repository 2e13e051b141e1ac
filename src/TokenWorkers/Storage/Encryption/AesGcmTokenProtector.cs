using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;

namespace TokenWorkers.Storage.Encryption;

/// <summary>
/// AES-256-GCM with a random 12-byte nonce per write and the key id stored beside the ciphertext.
/// The associated data names the connection and the token kind, so a ciphertext only decrypts in its own place.
/// </summary>
/// <remarks>
/// Random nonces are safe for far more than 2^32 writes per key, while a connection is written a few
/// times per token lifetime; rotate keys by configuration long before that matters. A token written back unchanged
/// under the active key keeps the ciphertext it was read from (see <see cref="ReadCiphertexts"/>).
/// </remarks>
public sealed class AesGcmTokenProtector : ITokenProtector
{
    internal const int NonceSize = 12;
    internal const int TagSize = 16;

    // Versioned so that a future format can never be confused with this one.
    private const string AssociatedDataPrefix = "tokenworkers/token/v1";

    private readonly string _activeKeyId;
    // One pool of cipher instances per configured key, active or retired.
    private readonly Dictionary<string, AesGcmPool> _keys;
    private readonly ReadCiphertexts _read = new();

    public AesGcmTokenProtector(IOptions<EncryptionOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var value = options.Value;
        var validation = new EncryptionOptionsValidator().Validate(Options.DefaultName, value);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(EncryptionOptions), validation.Failures);
        }

        _activeKeyId = value.ActiveKeyId!;
        _keys = new Dictionary<string, AesGcmPool>(StringComparer.Ordinal);
        foreach (var (keyId, _, base64) in ConfiguredKeys.Read(value, []))
        {
            EncryptionKey.TryDecode(base64, out var key, out _);
            _keys.Add(keyId, new AesGcmPool(key!, TagSize));
        }
    }

    public ProtectedToken Protect(SecretToken token, string connectionId, TokenKind kind)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        if (_read.TryReuse(token, connectionId, kind, _activeKeyId, out var unchanged))
        {
            return unchanged;
        }

        var plaintext = Encoding.UTF8.GetBytes(token.Reveal());
        try
        {
            var output = new byte[NonceSize + plaintext.Length + TagSize];
            var nonce = output.AsSpan(0, NonceSize);
            RandomNumberGenerator.Fill(nonce);

            using var aes = _keys[_activeKeyId].Rent();
            aes.Cipher.Encrypt(
                nonce,
                plaintext,
                output.AsSpan(NonceSize, plaintext.Length),
                output.AsSpan(NonceSize + plaintext.Length, TagSize),
                AssociatedData(connectionId, kind));
            return new ProtectedToken(_activeKeyId, output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    public SecretToken Unprotect(ProtectedToken value, string connectionId, TokenKind kind)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentException.ThrowIfNullOrEmpty(connectionId);

        if (!_keys.TryGetValue(value.KeyId, out var key))
        {
            throw new TokenProtectionException(
                $"The {Describe(kind)} of connection '{connectionId}' was encrypted with key '{value.KeyId}', " +
                $"which is not configured. Add it back as the setting '{EncryptionOptions.SectionName}:Keys:{value.KeyId}': " +
                "a retired key must stay configured while tokens encrypted with it are stored.");
        }

        var ciphertextLength = value.Ciphertext.Length - NonceSize - TagSize;
        if (ciphertextLength <= 0)
        {
            throw new TokenProtectionException(
                $"The {Describe(kind)} of connection '{connectionId}' is truncated: " +
                $"{value.Ciphertext.Length} bytes cannot hold a nonce, a token and a tag.");
        }

        var input = value.Ciphertext.AsSpan();
        var plaintext = new byte[ciphertextLength];
        try
        {
            using var aes = key.Rent();
            aes.Cipher.Decrypt(
                input[..NonceSize],
                input.Slice(NonceSize, ciphertextLength),
                input[^TagSize..],
                plaintext,
                AssociatedData(connectionId, kind));
            var token = new SecretToken(Encoding.UTF8.GetString(plaintext));
            _read.Remember(token, connectionId, kind, value);
            return token;
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new TokenProtectionException(
                $"The {Describe(kind)} of connection '{connectionId}' does not authenticate with key '{value.KeyId}': " +
                "the stored ciphertext was altered or copied from another connection or token, " +
                $"or the value of '{EncryptionOptions.SectionName}:Keys:{value.KeyId}' changed.",
                ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[] AssociatedData(string connectionId, TokenKind kind) =>
        // The connection id comes last, so no id can make two different (kind, id) pairs collide.
        Encoding.UTF8.GetBytes($"{AssociatedDataPrefix}\n{KindLabel(kind)}\n{connectionId}");

    // Fixed labels rather than enum names: renaming the enum must not make stored tokens unreadable.
    private static string KindLabel(TokenKind kind) => kind switch
    {
        TokenKind.Access => "access",
        TokenKind.Refresh => "refresh",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown token kind."),
    };

    private static string Describe(TokenKind kind) => $"{KindLabel(kind)} token";

    public string ActiveKeyId => _activeKeyId;

    public bool HasKey(string keyId) => _keys.ContainsKey(keyId);
}
