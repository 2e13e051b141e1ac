using TokenWorkers.Admin;

namespace TokenWorkers.Tests.Admin;

/// <summary>Named keys and their scopes, as settings and a keys file declare them; every problem names its setting, never a key.</summary>
public sealed class AdminKeySetTests : IDisposable
{
    private const string OpsKey = "ops-key-SENTINEL-0123456789abcdef";
    private const string BackendKey = "backend-key-SENTINEL-0123456789abcdef";
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenworkers-keys-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Each_named_key_is_found_by_its_key_with_its_scopes_and_the_legacy_key_holds_every_scope()
    {
        var options = new AdminOptions { Enabled = true, ApiKey = "legacy-key-SENTINEL-0123456789abcdef" };
        options.Keys.Add(Key("ops", key: OpsKey, scopes: [AdminScopes.Read, AdminScopes.Operate]));
        options.Keys.Add(Key("backend", sha256: AdminKeySet.Hash(BackendKey).ToUpperInvariant(), scopes: [AdminScopes.Connect]));

        var (set, problems) = AdminKeySet.Build(options);

        Assert.Empty(problems);
        var ops = set!.Find(OpsKey)!;
        Assert.Equal("ops", ops.Name);
        Assert.True(ops.Allows(AdminScopes.Operate));
        Assert.False(ops.Allows(AdminScopes.Connect));
        var backend = set.Find(BackendKey)!;
        Assert.True(backend.Allows(AdminScopes.Connect));
        Assert.False(backend.Allows(AdminScopes.Read));
        var legacy = set.Find("legacy-key-SENTINEL-0123456789abcdef")!;
        Assert.Equal("admin", legacy.Name);
        Assert.All(AdminScopes.Known.Except([AdminScopes.AccessToken]), scope => Assert.True(legacy.Allows(scope)));
        // Handing out tokens is granted only by naming the scope, never by "every scope".
        Assert.False(legacy.Allows(AdminScopes.AccessToken));
        Assert.Null(set.Find(OpsKey + "x"));
    }

    [Fact]
    public void A_keys_file_holds_hashes_and_scopes_and_refuses_a_plain_key()
    {
        var file = Path.Combine(_directory, "keys.json");
        File.WriteAllText(file, $$"""{"keys":[{"name":"ops","sha256":"{{AdminKeySet.Hash(OpsKey)}}","scopes":["read"]}]}""");
        var plain = Path.Combine(_directory, "plain.json");
        File.WriteAllText(plain, $$"""{"keys":[{"name":"ops","key":"{{OpsKey}}","scopes":["read"]}]}""");

        var (set, _) = AdminKeySet.Build(new AdminOptions { Enabled = true, KeysFile = file });
        var (refused, problems) = AdminKeySet.Build(new AdminOptions { Enabled = true, KeysFile = plain });

        Assert.Equal("ops", set!.Find(OpsKey)?.Name);
        Assert.Null(refused);
        var problem = Assert.Single(problems);
        Assert.Equal("Admin:KeysFile keys[0] needs \"sha256\": the file holds the hashes of keys, never keys.", problem);
    }

    public static TheoryData<string, string> Broken => new()
    {
        { """{"keys":[{"name":"ops","sha256":"abc","scopes":["read"]}]}""", "keys[0] sha256 must be the SHA-256 of the key in hex" },
        { """{"keys":[{"name":"ops","sha256":"HASH","scopes":["read","root"]}]}""", "has the unknown scope 'root'" },
        { """{"keys":[{"name":"ops","sha256":"HASH","scopes":[]}]}""", "has no scopes" },
        { """{"keys":[{"name":"has space","sha256":"HASH","scopes":["read"]}]}""", "needs a name of 1 to 64 letters" },
        { """{"keys":[{"name":"a","sha256":"HASH","scopes":["read"]},{"name":"b","sha256":"HASH","scopes":["read"]}]}""", "is the same key as 'a'" },
        { """{"keys":[{"name":"a","sha256":"HASH","scopes":["read"]},{"name":"a","sha256":"OTHER","scopes":["read"]}]}""", "the key name 'a' is used twice" },
        { """{"keys": [ SENTINEL-not-json""", "is not valid JSON (line 1)" },
        { """{"nokeys":[]}""", "needs a \"keys\" array" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_broken_keys_file_is_refused_naming_the_setting_without_its_content(string content, string expected)
    {
        var file = Path.Combine(_directory, "keys.json");
        File.WriteAllText(file, content.Replace("HASH", AdminKeySet.Hash(OpsKey), StringComparison.Ordinal)
            .Replace("OTHER", AdminKeySet.Hash(BackendKey), StringComparison.Ordinal));

        var (set, problems) = AdminKeySet.Build(new AdminOptions { Enabled = true, KeysFile = file });

        Assert.Null(set);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal) && p.StartsWith("Admin:KeysFile", StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains("SENTINEL", StringComparison.Ordinal) || p.Contains(AdminKeySet.Hash(OpsKey), StringComparison.Ordinal));
    }

    [Fact]
    public void A_named_key_needs_exactly_one_source_and_a_long_enough_key()
    {
        var options = new AdminOptions { Enabled = true };
        options.Keys.Add(Key("none", scopes: [AdminScopes.Read]));
        options.Keys.Add(Key("two", key: OpsKey, sha256: AdminKeySet.Hash(OpsKey), scopes: [AdminScopes.Read]));
        options.Keys.Add(Key("short", key: "SENTINEL-short", scopes: [AdminScopes.Read]));
        options.Keys.Add(Key("missing", keyFile: Path.Combine(_directory, "absent"), scopes: [AdminScopes.Read]));

        var (set, problems) = AdminKeySet.Build(options);

        Assert.Null(set);
        Assert.Equal(
            [
                "Admin:Keys:0 needs exactly one of Key, KeyFile or Sha256.",
                "Admin:Keys:1 needs exactly one of Key, KeyFile or Sha256.",
                "Admin:Keys:2:Key must hold at least 24 characters.",
                $"Admin:Keys:3:KeyFile '{Path.Combine(_directory, "absent")}' cannot be read: FileNotFoundException.",
            ],
            problems);
    }

    private static AdminKeyOptions Key(string name, string? key = null, string? keyFile = null, string? sha256 = null, string[]? scopes = null)
    {
        var options = new AdminKeyOptions { Name = name, Key = key, KeyFile = keyFile, Sha256 = sha256 };
        foreach (var scope in scopes ?? [])
        {
            options.Scopes.Add(scope);
        }

        return options;
    }
}
