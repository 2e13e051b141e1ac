using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace TokenWorkers.Sandbox;

/// <summary>
/// The short, one-way name a token or code gets in the request record and in logs. The worker
/// computes the same value, so tests can correlate its calls with the sandbox's record without
/// either side ever storing a secret.
/// </summary>
public static class TokenFingerprint
{
    /// <summary>The first 8 lowercase hex characters of SHA-256 over the UTF-8 bytes of <paramref name="token"/>.</summary>
    public static string Of(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(token.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(token, rented);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(rented.AsSpan(0, length), hash);
            return Convert.ToHexStringLower(hash[..4]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
