using System.Security.Cryptography;
using System.Text;

namespace TokenWorkers.Connections;

/// <summary>
/// An access or refresh token in memory. It never prints itself: <see cref="ToString"/> and every
/// record that holds one show only a short fingerprint, so a token cannot reach a log by accident.
/// </summary>
public sealed class SecretToken : IEquatable<SecretToken>
{
    private readonly string _value;

    public SecretToken(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _value = value;
    }

    /// <summary>The token itself, for the one place that sends it to LinkedIn or encrypts it.</summary>
    public string Reveal() => _value;

    /// <summary>First 8 hex digits of the SHA-256 of the token: enough to correlate, useless to an attacker.</summary>
    public string Fingerprint => Fingerprints.Of(_value);

    public override string ToString() => $"[token {Fingerprint}]";

    public bool Equals(SecretToken? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(_value), Encoding.UTF8.GetBytes(other._value));

    public override bool Equals(object? obj) => obj is SecretToken other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Fingerprint);
}

/// <summary>Short, non-reversible fingerprints of secrets for logs and records.</summary>
public static class Fingerprints
{
    public static string Of(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..8];
}
