using Microsoft.Extensions.Options;
using TokenWorkers.Runtime;

namespace TokenWorkers.Connect;

/// <summary>
/// The connect flow (section <c>Connect</c>): off unless enabled, because a pure worker deployment serves no
/// browser. <see cref="StateKey"/> is a secret: from the environment (<c>Connect__StateKey</c>) or a file
/// (<see cref="StateKeyFile"/>).
/// </summary>
public sealed class ConnectOptions
{
    public const string SectionName = "Connect";

    public bool Enabled { get; set; }

    /// <summary>The worker's address as browsers reach it; the callback is <c>{PublicBaseUrl}/connect/linkedin/callback</c>.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Base64 of at least 32 random bytes; signs the <c>state</c> parameter.</summary>
    public string? StateKey { get; set; }

    /// <summary>A file holding <see cref="StateKey"/> (a mounted secret); surrounding whitespace is ignored. Set one of the two, not both.</summary>
    public string? StateKeyFile { get; set; }

    /// <summary>How long a member has between starting the flow and LinkedIn's callback.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a connect session's link can be used (once) after the product's backend minted it.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long the reconnect link in <c>ReauthRequired</c>/<c>ReauthSoon</c> stays valid. It only ever renews a connection
    /// for its own member, so it may live long enough to sit in an inbox.
    /// </summary>
    public TimeSpan ReconnectLinkLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Origins (scheme://host[:port]) that <c>returnUrl</c> may point to; none means no returnUrl is accepted.</summary>
    public IList<string> AllowedReturnOrigins { get; } = [];

    /// <summary>The scopes asked for, space-separated.</summary>
    public string Scopes { get; set; } = "openid profile email w_member_social";

    public Uri CallbackUri => new(PublicBaseUrl!, "connect/linkedin/callback");

    public byte[] StateKeyBytes => Convert.FromBase64String(SecretSetting.ResolveValidated(
        "Connect:StateKey", string.IsNullOrWhiteSpace(StateKey) ? null : StateKey, "Connect:StateKeyFile", StateKeyFile));

    /// <summary>The state key from <see cref="StateKey"/> or <see cref="StateKeyFile"/>; null when neither gives one, with why in <paramref name="problems"/>.</summary>
    internal string? ResolveStateKey(ICollection<string> problems) => SecretSetting.Resolve(
        "Connect:StateKey", string.IsNullOrWhiteSpace(StateKey) ? null : StateKey, "Connect:StateKeyFile", StateKeyFile, problems, required: false);
}

public sealed class ConnectOptionsValidator : IValidateOptions<ConnectOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.PublicBaseUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add("Connect:PublicBaseUrl must be the worker's absolute http(s) address when Connect:Enabled is true.");
        }

        var before = failures.Count;
        if (options.ResolveStateKey(failures) is not { } stateKey)
        {
            if (failures.Count == before)
            {
                failures.Add("Connect:StateKey is required when Connect:Enabled is true (base64 of 32 random bytes), " +
                    "or Connect:StateKeyFile naming a file that holds it.");
            }
        }
        else
        {
            var bytes = new byte[stateKey.Length];
            if (!Convert.TryFromBase64String(stateKey, bytes, out var length) || length < 32)
            {
                failures.Add(string.IsNullOrWhiteSpace(options.StateKey)
                    ? "Connect:StateKeyFile must hold base64 of at least 32 bytes."
                    : "Connect:StateKey must be base64 of at least 32 bytes.");
            }
        }

        if (options.StateLifetime < TimeSpan.FromMinutes(1) || options.StateLifetime > TimeSpan.FromHours(1))
        {
            failures.Add("Connect:StateLifetime must be between 00:01:00 and 01:00:00.");
        }

        if (options.SessionLifetime < TimeSpan.FromMinutes(1) || options.SessionLifetime > TimeSpan.FromDays(1))
        {
            failures.Add("Connect:SessionLifetime must be between 00:01:00 and 1.00:00:00.");
        }

        if (options.ReconnectLinkLifetime < TimeSpan.FromHours(1) || options.ReconnectLinkLifetime > TimeSpan.FromDays(365))
        {
            failures.Add("Connect:ReconnectLinkLifetime must be between 01:00:00 and 365.00:00:00.");
        }

        foreach (var origin in options.AllowedReturnOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var parsed) || parsed.AbsolutePath != "/" || (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"Connect:AllowedReturnOrigins entry '{origin}' must be an origin such as https://app.example.com.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
