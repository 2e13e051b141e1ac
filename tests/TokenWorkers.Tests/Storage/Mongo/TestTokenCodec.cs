using System.Security.Cryptography;
using System.Text;
using TokenWorkers.Connections;
using TokenWorkers.Storage.Mongo;

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>
/// A stand-in for the real token protector: reversible, not secret, but like the real one it never stores the
/// token in clear and binds each value to its connection and kind, so a value moved elsewhere does not decode.
/// </summary>
internal sealed class TestTokenCodec : IMongoTokenCodec
{
    public const string KeyId = "test-key-1";
    private const byte Mask = 0xA5;

    public string ActiveKeyId => KeyId;

    public bool HasKey(string keyId) => keyId == KeyId;

    public MongoProtectedToken Protect(SecretToken token, string connectionId, MongoTokenKind kind) =>
        new(KeyId, Encode($"{kind}|{connectionId}|{token.Reveal()}"));

    public SecretToken Unprotect(MongoProtectedToken value, string connectionId, MongoTokenKind kind)
    {
        var prefix = $"{kind}|{connectionId}|";
        var text = Decode(value.Data.Span);
        if (value.KeyId != KeyId || !text.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("The value was not protected for this connection and token kind.");
        }

        return new SecretToken(text[prefix.Length..]);
    }

    public static byte[] Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= Mask;
        }

        return bytes;
    }

    private static string Decode(ReadOnlySpan<byte> data)
    {
        var bytes = data.ToArray();
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] ^= Mask;
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
