using TokenWorkers.Storage.Encryption;

namespace TokenWorkers.Benchmarks;

/// <summary>The one encryption key of the benchmark's own SQLite files, for the store cases and the worker processes on them.</summary>
internal static class BenchEncryption
{
    public const string KeyId = "bench-1";

    public static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public static AesGcmTokenProtector Protector()
    {
        var encryption = new EncryptionOptions { ActiveKeyId = KeyId };
        encryption.Keys[KeyId] = Key;
        return new AesGcmTokenProtector(Microsoft.Extensions.Options.Options.Create(encryption));
    }
}
