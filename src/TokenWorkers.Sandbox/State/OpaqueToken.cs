using System.Buffers.Text;
using System.Security.Cryptography;

namespace TokenWorkers.Sandbox.State;

/// <summary>
/// Random URL-safe strings shaped like LinkedIn's: an <c>AQ</c> prefix and a few hundred
/// characters, so clients that size columns or log lines for real tokens meet realistic values.
/// </summary>
internal static class OpaqueToken
{
    public static string AccessToken() => New("AQV", 258);

    public static string RefreshToken() => New("AQW", 258);

    public static string AuthorizationCode() => New("AQT", 96);

    private static string New(string prefix, int randomBytes)
    {
        Span<byte> bytes = stackalloc byte[randomBytes];
        RandomNumberGenerator.Fill(bytes);
        return prefix + Base64Url.EncodeToString(bytes);
    }
}
