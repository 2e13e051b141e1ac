using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenWorkers.Admin;

namespace TokenWorkers.Tests.Admin;

/// <summary>Keys in force while the worker runs: a rotated key file and changed settings take effect without a restart.</summary>
public sealed class AdminKeyringTests : IDisposable
{
    private const string OldKey = "old-key-SENTINEL-0123456789abcdef";
    private const string NewKey = "new-key-SENTINEL-0123456789abcdef";
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenworkers-keyring-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_rotated_api_key_file_is_read_again_after_the_check_interval()
    {
        var file = Path.Combine(_directory, "admin-key");
        File.WriteAllText(file, OldKey);
        using var keyring = new AdminKeyring(new Monitor(new AdminOptions { Enabled = true, ApiKeyFile = file }), _time, NullLogger<AdminKeyring>.Instance);
        Assert.Equal("admin", keyring.Authenticate(With(OldKey))?.Name);

        File.WriteAllText(file, NewKey + "-longer");
        var beforeTheCheck = keyring.Authenticate(With(OldKey));
        _time.Advance(AdminKeyring.FileCheckInterval);

        Assert.NotNull(beforeTheCheck);
        Assert.Null(keyring.Authenticate(With(OldKey)));
        Assert.Equal("admin", keyring.Authenticate(With(NewKey + "-longer"))?.Name);
    }

    [Fact]
    public void Changed_settings_take_effect_at_once_and_settings_that_do_not_build_keep_the_keys_in_force()
    {
        var monitor = new Monitor(Options(("ops", OldKey)));
        using var keyring = new AdminKeyring(monitor, _time, NullLogger<AdminKeyring>.Instance);

        monitor.Change(Options(("ops-2", NewKey)));
        var rotated = (keyring.Authenticate(With(NewKey))?.Name, keyring.Authenticate(With(OldKey)));
        monitor.Change(Options(("broken", "SENTINEL-short")));

        Assert.Equal(("ops-2", (AdminIdentity?)null), rotated);
        Assert.Equal("ops-2", keyring.Authenticate(With(NewKey))?.Name);
    }

    private static AdminOptions Options((string Name, string Key) key)
    {
        var options = new AdminOptions { Enabled = true };
        var entry = new AdminKeyOptions { Name = key.Name, Key = key.Key };
        entry.Scopes.Add(AdminScopes.Read);
        options.Keys.Add(entry);
        return options;
    }

    private static HttpRequest With(string key)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = "GET";
        http.Request.Headers["X-Api-Key"] = key;
        return http.Request;
    }

    /// <summary>Settings that change as a reloaded configuration file does: the new value, then the change callbacks.</summary>
    private sealed class Monitor(AdminOptions initial) : IOptionsMonitor<AdminOptions>
    {
        private readonly List<Action<AdminOptions, string?>> _listeners = [];

        public AdminOptions CurrentValue { get; private set; } = initial;

        public AdminOptions Get(string? name) => CurrentValue;

        public IDisposable OnChange(Action<AdminOptions, string?> listener)
        {
            _listeners.Add(listener);
            return new Unsubscribe(() => _listeners.Remove(listener));
        }

        public void Change(AdminOptions options)
        {
            CurrentValue = options;
            _listeners.ForEach(l => l(options, null));
        }

        private sealed class Unsubscribe(Action action) : IDisposable
        {
            public void Dispose() => action();
        }
    }
}
