using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Oauth;

/// <summary>
/// A JWT-shaped ID token (header.payload.signature, base64url) with LinkedIn's claims. The
/// signature is random bytes: the sandbox publishes no keys, so nothing can or should verify it.
/// </summary>
internal static class IdToken
{
    public const string Issuer = "https://www.linkedin.com/oauth";

    private static readonly string Header =
        Base64Url.EncodeToString("""{"alg":"RS256","kid":"sandbox-unsigned","typ":"JWT"}"""u8);

    public static string Create(SandboxMember member, string clientId, IReadOnlyList<string> scopes, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("iss", Issuer);
            json.WriteString("aud", clientId);
            json.WriteString("sub", member.Sub);
            json.WriteNumber("iat", issuedAt.ToUnixTimeSeconds());
            json.WriteNumber("exp", expiresAt.ToUnixTimeSeconds());
            if (scopes.Contains(Scopes.Profile, StringComparer.Ordinal))
            {
                json.WriteString("name", member.Name);
                json.WriteString("given_name", member.GivenName);
                json.WriteString("family_name", member.FamilyName);
            }

            if (member.Email is not null && scopes.Contains(Scopes.Email, StringComparer.Ordinal))
            {
                json.WriteString("email", member.Email);
                json.WriteBoolean("email_verified", true);
            }

            json.WriteEndObject();
        }

        Span<byte> signature = stackalloc byte[64];
        RandomNumberGenerator.Fill(signature);
        return Header + "." + Base64Url.EncodeToString(buffer.WrittenSpan) + "." + Base64Url.EncodeToString(signature);
    }
}
