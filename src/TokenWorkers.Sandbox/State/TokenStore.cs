using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TokenWorkers.Sandbox.State;

/// <summary>
/// Grants, the tokens issued for them and pending authorization codes, each in its own
/// concurrent dictionary keyed by the secret string so look-ups on the hot path take no lock.
/// </summary>
internal sealed class TokenStore
{
    private readonly ConcurrentDictionary<string, Grant> _grants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AccessTokenRecord> _access = new(StringComparer.Ordinal);

    // Replaced access tokens, keyed by a digest instead of the ~350-character string: a long
    // benchmark replaces millions, and each must still answer "revoked" rather than "invalid".
    private readonly ConcurrentDictionary<UInt128, AccessTokenRecord> _retiredAccess = new();
    private readonly ConcurrentDictionary<string, RefreshTokenRecord> _refresh = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AuthorizationCode> _codes = new(StringComparer.Ordinal);
    private long _grantSequence;

    public string NextGrantId() =>
        "grant-" + Interlocked.Increment(ref _grantSequence).ToString("D6", CultureInfo.InvariantCulture);

    public void Add(Grant grant) => _grants[grant.Id] = grant;

    public void Add(string accessToken, AccessTokenRecord record) => _access[accessToken] = record;

    public void Add(string refreshToken, RefreshTokenRecord record) => _refresh[refreshToken] = record;

    public void Add(string code, AuthorizationCode record) => _codes[code] = record;

    public Grant? FindGrant(string grantId) => _grants.TryGetValue(grantId, out var grant) ? grant : null;

    public AccessTokenRecord? FindAccess(string token) =>
        _access.TryGetValue(token, out var record) ? record
        : !_retiredAccess.IsEmpty && _retiredAccess.TryGetValue(Digest(token), out record) ? record
        : null;

    /// <summary>Moves a replaced access token to the compact store; it stays findable throughout.</summary>
    public void Retire(string accessToken)
    {
        if (_access.TryGetValue(accessToken, out var record))
        {
            _retiredAccess[Digest(accessToken)] = record;
            _access.TryRemove(accessToken, out _);
        }
    }

    public RefreshTokenRecord? FindRefresh(string token) => _refresh.TryGetValue(token, out var record) ? record : null;

    public AuthorizationCode? FindCode(string code) => _codes.TryGetValue(code, out var record) ? record : null;

    public IEnumerable<Grant> Grants => _grants.Values;

    private static UInt128 Digest(string token)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(token), hash);
        return BinaryPrimitives.ReadUInt128LittleEndian(hash);
    }
}

/// <summary>A code issued by the authorization endpoint: single use, short-lived, bound to app and redirect URI.</summary>
internal sealed class AuthorizationCode(
    string clientId, string redirectUri, string memberSub, IReadOnlyList<string> scopes, DateTimeOffset expiresAt)
{
    private int _used;

    public string ClientId { get; } = clientId;

    public string RedirectUri { get; } = redirectUri;

    public string MemberSub { get; } = memberSub;

    public IReadOnlyList<string> Scopes { get; } = scopes;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>True only for the first caller, so two racing exchanges cannot both succeed.</summary>
    public bool TryConsume() => Interlocked.Exchange(ref _used, 1) == 0;
}
