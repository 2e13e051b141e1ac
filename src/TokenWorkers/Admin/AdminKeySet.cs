using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TokenWorkers.Admin;

/// <summary>
/// The admin keys in force, held only as SHA-256 hashes: a presented key is hashed and looked up, so no key is kept in
/// memory and neither its content nor its length leaks through timing. Built from <see cref="AdminOptions"/> and the files
/// they name; every problem names its setting and never quotes a key or a file's content.
/// </summary>
public sealed partial class AdminKeySet
{
    private static readonly JsonSerializerOptions FileJson = new(JsonSerializerDefaults.Web);
    private readonly FrozenDictionary<string, AdminIdentity> _byHash;

    private AdminKeySet(FrozenDictionary<string, AdminIdentity> byHash) => _byHash = byHash;

    public static AdminKeySet Empty { get; } = new(FrozenDictionary<string, AdminIdentity>.Empty);

    public IEnumerable<AdminIdentity> Identities => _byHash.Values;

    /// <summary>The identity of the key, or null when no key in force matches.</summary>
    public AdminIdentity? Find(string presentedKey)
    {
        ArgumentNullException.ThrowIfNull(presentedKey);
        return _byHash.GetValueOrDefault(Hash(presentedKey));
    }

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The files whose content the set depends on; a change to any of them calls for a rebuild.</summary>
    public static IEnumerable<string> FilesOf(AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new[] { options.ApiKeyFile, options.KeysFile }.Concat(options.Keys.Select(k => k.KeyFile)).OfType<string>().Where(f => f.Length > 0);
    }

    public static (AdminKeySet? Set, IReadOnlyList<string> Problems) Build(AdminOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var keys = new List<(string Setting, string Name, string Hash, IReadOnlyList<string> Scopes, IReadOnlyList<string> Tenants)>();

        if (!string.IsNullOrEmpty(options.ApiKey) && !string.IsNullOrEmpty(options.ApiKeyFile))
        {
            problems.Add("Admin:ApiKey or Admin:ApiKeyFile: set one, not both.");
        }
        else if (!string.IsNullOrEmpty(options.ApiKey) || !string.IsNullOrEmpty(options.ApiKeyFile))
        {
            var setting = string.IsNullOrEmpty(options.ApiKey) ? "Admin:ApiKeyFile" : "Admin:ApiKey";
            if (ReadKey(setting, options.ApiKey, options.ApiKeyFile, problems) is { } key)
            {
                keys.Add((setting, "admin", Hash(key), [AdminScopes.All], []));
            }
        }

        for (var i = 0; i < options.Keys.Count; i++)
        {
            var entry = options.Keys[i];
            var setting = $"Admin:Keys:{i}";
            var sources = new[] { entry.Key, entry.KeyFile, entry.Sha256 }.Count(s => !string.IsNullOrEmpty(s));
            if (sources != 1)
            {
                problems.Add($"{setting} needs exactly one of Key, KeyFile or Sha256.");
                continue;
            }

            var hash = !string.IsNullOrEmpty(entry.Sha256)
                ? CheckHash($"{setting}:Sha256", entry.Sha256, problems)
                : ReadKey(string.IsNullOrEmpty(entry.Key) ? $"{setting}:KeyFile" : $"{setting}:Key", entry.Key, entry.KeyFile, problems) is { } key ? Hash(key) : null;
            if (hash is not null)
            {
                keys.Add((setting, entry.Name ?? "", hash, [.. entry.Scopes], [.. entry.Tenants]));
            }
        }

        if (!string.IsNullOrEmpty(options.KeysFile))
        {
            ReadKeysFile(options.KeysFile, keys, problems);
        }

        if (keys.Count == 0 && problems.Count == 0)
        {
            problems.Add("Admin:ApiKey, Admin:ApiKeyFile, Admin:Keys or Admin:KeysFile is required when Admin:Enabled is true.");
        }

        var byHash = new Dictionary<string, AdminIdentity>(StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (setting, name, hash, scopes, tenants) in keys)
        {
            if (!KeyName().IsMatch(name))
            {
                problems.Add($"{setting}: a key needs a name of 1 to 64 letters, digits, '.', '_' or '-'.");
            }
            else if (!names.Add(name))
            {
                problems.Add($"{setting}: the key name '{name}' is used twice.");
            }

            if (scopes.Count == 0)
            {
                problems.Add($"{setting}: the key '{name}' has no scopes (known: {string.Join(", ", AdminScopes.Known)}).");
            }

            foreach (var unknown in scopes.Where(s => !AdminScopes.Known.Contains(s)))
            {
                problems.Add($"{setting}: the key '{name}' has the unknown scope '{unknown}' (known: {string.Join(", ", AdminScopes.Known)}).");
            }

            if (tenants.Count > 0 && scopes.Except(AdminScopes.TenantBound).ToList() is { Count: > 0 } unbound)
            {
                // The other routes list and act on every tenant's connections: a tenant-bound key must not reach them.
                problems.Add($"{setting}: the key '{name}' is bound to tenants, so it may hold only {string.Join(" and ", AdminScopes.TenantBound)} (not {string.Join(", ", unbound)}).");
            }

            if (tenants.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add($"{setting}: the key '{name}' names an empty tenant.");
            }

            var reach = tenants.Count == 0 ? null : tenants.ToFrozenSet(StringComparer.Ordinal);
            if (!byHash.TryAdd(hash, new AdminIdentity(name, scopes.ToFrozenSet(StringComparer.Ordinal), reach)))
            {
                problems.Add($"{setting}: the key '{name}' is the same key as '{byHash[hash].Name}'; every caller needs its own.");
            }
        }

        return problems.Count == 0 ? (new AdminKeySet(byHash.ToFrozenDictionary(StringComparer.Ordinal)), problems) : (null, problems);
    }

    private static string? ReadKey(string setting, string? key, string? file, List<string> problems)
    {
        if (string.IsNullOrEmpty(key))
        {
            try
            {
                key = File.ReadAllText(file!).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{setting} '{file}' cannot be read: {ex.GetType().Name}.");
                return null;
            }
        }

        if (key.Length < AdminOptions.MinKeyLength)
        {
            problems.Add($"{setting} must hold at least {AdminOptions.MinKeyLength} characters.");
            return null;
        }

        return key;
    }

    private static string? CheckHash(string setting, string hash, List<string> problems)
    {
        if (hash.Length == 64 && hash.All(char.IsAsciiHexDigit))
        {
            return hash.ToLowerInvariant();
        }

        problems.Add($"{setting} must be the SHA-256 of the key in hex (64 characters).");
        return null;
    }

    private static void ReadKeysFile(string file, List<(string, string, string, IReadOnlyList<string>, IReadOnlyList<string>)> keys, List<string> problems)
    {
        KeysFileContent? content;
        try
        {
            content = JsonSerializer.Deserialize<KeysFileContent>(File.ReadAllText(file), FileJson);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"Admin:KeysFile '{file}' cannot be read: {ex.GetType().Name}.");
            return;
        }
        catch (JsonException ex)
        {
            // The position only: the file holds hashes, but a mistaken paste could hold a key.
            problems.Add($"Admin:KeysFile '{file}' is not valid JSON (line {ex.LineNumber + 1}).");
            return;
        }

        if (content?.Keys is not { } entries)
        {
            problems.Add($"Admin:KeysFile '{file}' needs a \"keys\" array.");
            return;
        }

        for (var i = 0; i < entries.Count; i++)
        {
            var setting = $"Admin:KeysFile keys[{i}]";
            if (entries[i]?.Sha256 is not { } sha256)
            {
                problems.Add($"{setting} needs \"sha256\": the file holds the hashes of keys, never keys.");
                continue;
            }

            if (CheckHash($"{setting} sha256", sha256, problems) is { } hash)
            {
                keys.Add((setting, entries[i]!.Name ?? "", hash, entries[i]!.Scopes ?? [], entries[i]!.Tenants ?? []));
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex KeyName();

    private sealed record KeysFileContent(IReadOnlyList<KeysFileEntry?>? Keys);

    private sealed record KeysFileEntry(string? Name, string? Sha256, IReadOnlyList<string>? Scopes, IReadOnlyList<string>? Tenants);
}
