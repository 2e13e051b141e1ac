using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;

namespace TokenWorkers.Admin;

/// <summary>
/// The admin keys in force, kept current while the worker runs: a change to the settings (a reloaded configuration file)
/// or to a key file (checked at most once per <see cref="FileCheckInterval"/>) rebuilds the set, so a key is rotated or
/// revoked without a restart. A change that does not build (a typo in the keys file) keeps the previous set and is logged
/// as an error: a mistake must not lock every operator out.
/// </summary>
public sealed partial class AdminKeyring : IDisposable
{
    public static readonly TimeSpan FileCheckInterval = TimeSpan.FromSeconds(1);

    private readonly IOptionsMonitor<AdminOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AdminKeyring> _logger;
    private readonly IDisposable? _subscription;
    private readonly Lock _gate = new();
    private volatile AdminKeySet _current;
    private string _filesSeen;
    private long _nextFileCheckTicks;
    private volatile bool _settingsChanged;

    public AdminKeyring(IOptionsMonitor<AdminOptions> options, TimeProvider time, ILogger<AdminKeyring> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time;
        _logger = logger;
        var initial = options.CurrentValue;
        var (set, problems) = AdminKeySet.Build(initial);
        // Start-up validation has already refused these settings; this only guards a keyring built without it.
        _current = set ?? throw new InvalidOperationException(string.Join(" ", problems));
        _filesSeen = FilesFingerprint(initial);
        _nextFileCheckTicks = (time.GetUtcNow() + FileCheckInterval).UtcTicks;
        _subscription = options.OnChange(_ => _settingsChanged = true);
    }

    /// <summary>The names and scopes of the keys in force (never the keys).</summary>
    public IEnumerable<AdminIdentity> Identities => Current().Identities;

    /// <summary>
    /// Who the request's key belongs to: <c>X-Api-Key: key</c>, <c>Authorization: Bearer key</c>, or, for safe methods
    /// only, HTTP Basic with the key as password (any user name), which lets a browser open the status page. A browser
    /// attaches cached Basic credentials to a form another site posts, so Basic never authorizes a change.
    /// </summary>
    public AdminIdentity? Authenticate(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Presented(request) is { } key ? Current().Find(key) : null;
    }

    public void Dispose() => _subscription?.Dispose();

    private AdminKeySet Current()
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (!_settingsChanged && now < Volatile.Read(ref _nextFileCheckTicks))
        {
            return _current;
        }

        lock (_gate)
        {
            if (!_settingsChanged && now < _nextFileCheckTicks)
            {
                return _current;
            }

            Volatile.Write(ref _nextFileCheckTicks, now + FileCheckInterval.Ticks);
            AdminOptions options;
            try
            {
                options = _options.CurrentValue;
            }
            catch (OptionsValidationException ex)
            {
                LogReloadRefused(_logger, string.Join(" ", ex.Failures));
                _settingsChanged = false;
                return _current;
            }

            var files = FilesFingerprint(options);
            if (!_settingsChanged && files == _filesSeen)
            {
                return _current;
            }

            _settingsChanged = false;
            _filesSeen = files;
            var (set, problems) = AdminKeySet.Build(options);
            if (set is null)
            {
                LogReloadRefused(_logger, string.Join(" ", problems));
                return _current;
            }

            _current = set;
            var names = string.Join(", ", set.Identities.Select(i => i.Name).Order(StringComparer.Ordinal));
            LogReloaded(_logger, names);
            return set;
        }
    }

    // Size and write time of each file: enough to notice a rotated secret without reading (or hashing) it every second.
    private static string FilesFingerprint(AdminOptions options) => string.Join('|', AdminKeySet.FilesOf(options).Select(path =>
    {
        var file = new FileInfo(path);
        return file.Exists ? $"{path}:{file.Length}:{file.LastWriteTimeUtc.Ticks}" : $"{path}:missing";
    }));

    private static string? Presented(HttpRequest request)
    {
        if (request.Headers.TryGetValue("X-Api-Key", out var apiKey) && apiKey.Count == 1)
        {
            return apiKey[0];
        }

        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var authorization) || authorization.Parameter is null)
        {
            return null;
        }

        if (authorization.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return authorization.Parameter;
        }

        if (!authorization.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) || !CrossSiteGuard.IsSafe(request.Method))
        {
            return null;
        }

        var buffer = new byte[authorization.Parameter.Length];
        if (!Convert.TryFromBase64String(authorization.Parameter, buffer, out var length))
        {
            return null;
        }

        var credentials = Encoding.UTF8.GetString(buffer, 0, length);
        var colon = credentials.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : credentials[(colon + 1)..];
    }

    [LoggerMessage(EventId = 731, Level = LogLevel.Information, Message = "Admin keys reloaded; in force: {KeyNames}")]
    private static partial void LogReloaded(ILogger logger, string keyNames);

    [LoggerMessage(EventId = 732, Level = LogLevel.Error, Message = "Admin keys changed but cannot be used; the previous keys stay in force: {Problems}")]
    private static partial void LogReloadRefused(ILogger logger, string problems);
}
