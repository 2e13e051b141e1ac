using TokenWorkers.Runtime;

namespace TokenWorkers.Storage.Encryption;

/// <summary>
/// The keys of the ring from both places a key can be given: its value (<c>Encryption:Keys:&lt;id&gt;</c>) or a file that
/// holds it (<c>Encryption:KeyFiles:&lt;id&gt;</c>), one of the two per id. Shared by the validator and the protector so they
/// read the same ring.
/// </summary>
internal static class ConfiguredKeys
{
    private const string Section = EncryptionOptions.SectionName;

    /// <summary>Each key id with the setting that gave it and its base64 text (not yet decoded); problems name the setting, never a key.</summary>
    public static List<(string KeyId, string Setting, string Base64)> Read(EncryptionOptions options, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        var keys = options.Keys.Select(k => (k.Key, $"{Section}:Keys:{k.Key}", k.Value)).ToList();
        foreach (var (keyId, file) in options.KeyFiles)
        {
            var setting = $"{Section}:KeyFiles:{keyId}";
            if (options.Keys.ContainsKey(keyId))
            {
                problems.Add($"{Section}:Keys:{keyId} and {setting} are both set: set one, not both.");
                keys.RemoveAll(k => k.Key == keyId);
            }
            else if (string.IsNullOrWhiteSpace(file))
            {
                problems.Add($"{setting} is empty: name a file that holds base64 of {EncryptionKey.SizeInBytes} random bytes.");
            }
            else if (SecretSetting.Resolve($"{Section}:Keys:{keyId}", null, setting, file, problems) is { } base64)
            {
                keys.Add((keyId, setting, base64));
            }
        }

        return keys;
    }

    /// <summary>Whether <paramref name="keyId"/> is configured in either form, whether or not its key is valid.</summary>
    public static bool Names(EncryptionOptions options, string keyId) => options.Keys.ContainsKey(keyId) || options.KeyFiles.ContainsKey(keyId);
}
