using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace TokenWorkers.Connect;

/// <summary>
/// What the flow carries through LinkedIn in <c>state</c>: whom it connects, where to go back, until when, and the hash of
/// the nonce the starting browser holds in a cookie (the state alone would let anyone finish a flow in a victim's browser).
/// </summary>
/// <param name="ReconnectOnly">Started from a reconnect link: it may only renew an existing connection for its own member.</param>
/// <param name="App">The LinkedIn app the member is sent to; its credentials exchange the code.</param>
public sealed record ConnectRequest(
    string ConnectionId, string TenantId, Uri? ReturnUrl, DateTimeOffset ExpiresAt, string Nonce, string? Browser = null, bool ReconnectOnly = false,
    string App = Connections.Connection.DefaultApp);

/// <summary>
/// Signs and checks <c>state</c> (HMAC-SHA256, compared in constant time), so a callback can only complete a
/// flow this worker started, within its lifetime, once. Single use is remembered by this instance; a state
/// replayed at another instance still needs a fresh code from LinkedIn, which is single-use there.
/// </summary>
public sealed class ConnectState(IOptions<ConnectOptions> options, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _used = new(StringComparer.Ordinal);

    /// <summary>A fresh secret for the starting browser's cookie; <see cref="Issue"/> binds the state to it.</summary>
    public static string NewBrowserNonce() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public string Issue(string connectionId, string tenantId, Uri? returnUrl, string browserNonce, bool reconnectOnly = false, string app = Connections.Connection.DefaultApp)
    {
        ArgumentException.ThrowIfNullOrEmpty(browserNonce);
        var request = new ConnectRequest(connectionId, tenantId, returnUrl, time.GetUtcNow() + options.Value.StateLifetime,
            Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), BrowserHash(browserNonce), reconnectOnly, app);
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(request, Json));
        return payload + "." + Base64Url(Sign(payload));
    }

    /// <summary>
    /// The request, or why the state is refused. Consumes the state: a second call with it is refused. The state must have
    /// been issued to the browser that presents <paramref name="browserNonce"/> (its cookie).
    /// </summary>
    public (ConnectRequest? Request, string? Problem) Redeem(string? state, string? browserNonce)
    {
        var parts = state?.Split('.') ?? [];
        if (parts.Length != 2 || !TryBase64Url(parts[1], out var signature) ||
            !CryptographicOperations.FixedTimeEquals(signature, Sign(parts[0])) ||
            !TryBase64Url(parts[0], out var payload))
        {
            return (null, "The sign-in link was altered or did not come from this service.");
        }

        var request = JsonSerializer.Deserialize<ConnectRequest>(payload, Json);
        var now = time.GetUtcNow();
        if (request is null || request.ExpiresAt <= now)
        {
            return (null, "The sign-in link has expired. Start again.");
        }

        foreach (var (nonce, expiresAt) in _used)
        {
            if (expiresAt <= now)
            {
                _used.TryRemove(nonce, out _);
            }
        }

        if (!_used.TryAdd(request.Nonce, request.ExpiresAt))
        {
            return (null, "This sign-in link was already used. Start again.");
        }

        return request.Browser is { } expected && !string.IsNullOrEmpty(browserNonce) &&
               CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(BrowserHash(browserNonce)))
            ? (request, null)
            : (null, "This sign-in did not start in this browser. Start again from the page that sent you here, in this browser.");
    }

    private static string BrowserHash(string browserNonce) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(browserNonce)));

    private byte[] Sign(string payload) => HMACSHA256.HashData(options.Value.StateKeyBytes, Encoding.ASCII.GetBytes(payload));

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static bool TryBase64Url(string text, out byte[] bytes)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += new string('=', (4 - (padded.Length % 4)) % 4);
        bytes = new byte[padded.Length];
        if (Convert.TryFromBase64String(padded, bytes, out var length))
        {
            bytes = bytes[..length];
            return true;
        }

        return false;
    }
}
