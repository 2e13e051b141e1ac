using System.Runtime.CompilerServices;
using TokenWorkers.Connections;

namespace TokenWorkers.Storage.Encryption;

/// <summary>
/// The stored ciphertext each decrypted token came from, kept as long as the token instance lives. A connection written
/// back with a token it was read with (a lease, a refresh that kept its refresh token) then stores the same ciphertext
/// again instead of encrypting the token anew: the same bytes the row already holds, so no nonce is ever used for a
/// second plaintext, and a refresh costs one encryption instead of four.
/// </summary>
internal sealed class ReadCiphertexts
{
    private readonly ConditionalWeakTable<SecretToken, Source> _sources = [];

    public void Remember(SecretToken token, string connectionId, TokenKind kind, ProtectedToken value) =>
        _sources.AddOrUpdate(token, new Source(connectionId, kind, value));

    /// <summary>
    /// The ciphertext <paramref name="token"/> was read from, if it was read for this very connection and kind and under
    /// <paramref name="activeKeyId"/>: a token under a retired key, or copied elsewhere, is encrypted again.
    /// </summary>
    public bool TryReuse(SecretToken token, string connectionId, TokenKind kind, string activeKeyId, out ProtectedToken value)
    {
        if (_sources.TryGetValue(token, out var source)
            && source.Kind == kind
            && source.Value.KeyId == activeKeyId
            && string.Equals(source.ConnectionId, connectionId, StringComparison.Ordinal))
        {
            value = source.Value;
            return true;
        }

        value = null!;
        return false;
    }

    private sealed record Source(string ConnectionId, TokenKind Kind, ProtectedToken Value);
}
