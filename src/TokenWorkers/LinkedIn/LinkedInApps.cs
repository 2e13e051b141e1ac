using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TokenWorkers.Ports;
using TokenWorkers.Runtime;

namespace TokenWorkers.LinkedIn;

/// <summary>A configured app with its secret: only the OAuth client holds one. Never printed (no record, no ToString of the secret).</summary>
public sealed class LinkedInAppCredentials(LinkedInAppInfo info, string clientSecret)
{
    public LinkedInAppInfo Info { get; } = info;

    public string ClientId => Info.ClientId;

    internal string ClientSecret { get; } = clientSecret;

    public override string ToString() => $"LinkedIn app {Info.Name} ({Info.ClientId})";
}

/// <summary>
/// The apps of <see cref="LinkedInOptions"/>: those under <c>LinkedIn:Apps</c>, and <c>default</c> from the single-app settings
/// (<c>LinkedIn:ClientId</c>, <c>LinkedIn:ClientSecret</c>) of earlier versions. <see cref="Resolve"/> names every bad setting.
/// </summary>
public sealed partial class LinkedInApps : ILinkedInApps
{
    private readonly Dictionary<string, LinkedInAppCredentials> _apps;

    public LinkedInApps(IOptions<LinkedInOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        _apps = Resolve(options.Value, problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }
    }

    public IReadOnlyCollection<string> Names => _apps.Keys;

    public LinkedInAppInfo? Find(string name) => Credentials(name)?.Info;

    /// <summary>The app's credentials, or null when <paramref name="name"/> is not configured.</summary>
    public LinkedInAppCredentials? Credentials(string name) =>
        name is not null && _apps.TryGetValue(name, out var app) ? app : null;

    /// <summary>Every configured app, with why any setting is wrong added to <paramref name="problems"/> (naming the setting, never a secret).</summary>
    public static Dictionary<string, LinkedInAppCredentials> Resolve(LinkedInOptions options, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(problems);
        var apps = new Dictionary<string, LinkedInAppCredentials>(StringComparer.Ordinal);
        var singleApp = !string.IsNullOrEmpty(options.ClientId) || !string.IsNullOrEmpty(options.ClientSecret) || !string.IsNullOrWhiteSpace(options.ClientSecretFile);
        if (singleApp || options.Apps.Count == 0)
        {
            if (options.Apps.ContainsKey(ILinkedInApps.Default))
            {
                problems.Add($"{LinkedInOptions.SectionName}:ClientId and {LinkedInOptions.SectionName}:Apps:{ILinkedInApps.Default} both configure the app named '{ILinkedInApps.Default}': keep one.");
            }
            else
            {
                Add(apps, problems, ILinkedInApps.Default, LinkedInOptions.SectionName, new LinkedInAppOptions
                {
                    ClientId = options.ClientId,
                    ClientSecret = options.ClientSecret,
                    ClientSecretFile = options.ClientSecretFile,
                });
            }
        }

        foreach (var (name, app) in options.Apps)
        {
            var section = $"{LinkedInOptions.SectionName}:Apps:{name}";
            if (!AppName().IsMatch(name))
            {
                problems.Add($"{section}: an app name is 1 to 64 letters, digits, '-' or '_'.");
                continue;
            }

            Add(apps, problems, name, section, app);
        }

        return apps;
    }

    private static void Add(Dictionary<string, LinkedInAppCredentials> apps, ICollection<string> problems, string name, string section, LinkedInAppOptions app)
    {
        if (app is null)
        {
            problems.Add($"{section}:ClientId is required.");
            return;
        }

        var before = problems.Count;
        if (string.IsNullOrWhiteSpace(app.ClientId))
        {
            problems.Add($"{section}:ClientId is required.");
        }

        var secret = SecretSetting.Resolve($"{section}:ClientSecret", app.ClientSecret, $"{section}:ClientSecretFile", app.ClientSecretFile, problems);
        if (app.RedirectUri is { } redirect && (!redirect.IsAbsoluteUri || (redirect.Scheme != Uri.UriSchemeHttps && redirect.Scheme != Uri.UriSchemeHttp)))
        {
            problems.Add($"{section}:RedirectUri must be an absolute http(s) URL.");
        }

        if (problems.Count > before || secret is null)
        {
            return;
        }

        var scopes = string.IsNullOrWhiteSpace(app.Scopes) ? null : string.Join(' ', app.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        apps[name] = new LinkedInAppCredentials(new LinkedInAppInfo(name, app.ClientId, app.RedirectUri, scopes, app.ProgrammaticRefresh), secret);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex AppName();
}
