using System.Diagnostics.CodeAnalysis;

namespace TokenWorkers.Storage.Encryption;

/// <summary>Decoding of configured keys, shared by the validator and the protector so they cannot disagree.</summary>
internal static class EncryptionKey
{
    public const int SizeInBytes = 32;

    /// <param name="problem">Why the value is not a key, phrased to follow the setting's name; never contains the value.</param>
    public static bool TryDecode(
        string? base64, [NotNullWhen(true)] out byte[]? key, [NotNullWhen(false)] out string? problem)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(base64))
        {
            problem = $"is empty: expected base64 of {SizeInBytes} random bytes.";
            return false;
        }

        var buffer = new byte[(base64.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out var length))
        {
            problem = $"is not valid base64: expected base64 of {SizeInBytes} random bytes.";
            return false;
        }

        if (length != SizeInBytes)
        {
            problem = $"decodes to {length} bytes: AES-256 needs exactly {SizeInBytes}.";
            return false;
        }

        key = buffer[..length];
        problem = null;
        return true;
    }
}
