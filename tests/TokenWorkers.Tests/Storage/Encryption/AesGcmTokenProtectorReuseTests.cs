using TokenWorkers.Connections;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage.Encryption;

/// <summary>
/// What the protector reuses: its cipher instances, which are not thread-safe (concurrent and failed uses must not leak
/// into each other), and the ciphertext a token was read from, when that token is written back unchanged.
/// </summary>
public sealed class AesGcmTokenProtectorReuseTests
{
    private readonly ITokenProtector _protector = Some.Protector(The.KeyAId, The.KeyAId, The.KeyBId);

    [Fact]
    public async Task Concurrent_round_trips_each_get_their_own_token_back()
    {
        var failures = 0;
        var threads = Enumerable.Range(0, 8).Select(thread => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                var connectionId = $"conn-{thread}-{i}";
                var kind = i % 2 == 0 ? TokenKind.Access : TokenKind.Refresh;
                var token = new SecretToken($"token-{thread}-{i}-{new string('x', i % 300)}");
                if (!token.Equals(_protector.Unprotect(_protector.Protect(token, connectionId, kind), connectionId, kind)))
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }, TestContext.Current.CancellationToken));

        await Task.WhenAll(threads);

        Assert.Equal(0, failures);
    }

    [Fact]
    public void A_token_that_fails_to_authenticate_leaves_the_next_one_readable()
    {
        var stored = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);
        var tampered = stored with { Ciphertext = [.. stored.Ciphertext[..^1], (byte)(stored.Ciphertext[^1] ^ 0x01)] };

        Assert.Throws<TokenProtectionException>(() => _protector.Unprotect(tampered, The.ConnectionId, TokenKind.Access));

        Assert.Equal(The.AccessToken, _protector.Unprotect(stored, The.ConnectionId, TokenKind.Access));
        Assert.Equal(The.AccessToken, _protector.Unprotect(
            _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access), The.ConnectionId, TokenKind.Access));
    }

    [Fact]
    public void Tokens_under_a_retired_key_and_the_active_key_read_back_alternately()
    {
        var retired = Some.Protector(The.KeyBId, The.KeyBId).Protect(The.RefreshToken, The.ConnectionId, TokenKind.Refresh);

        for (var i = 0; i < 3; i++)
        {
            var active = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);
            Assert.Equal(The.KeyAId, active.KeyId);
            Assert.Equal(The.RefreshToken, _protector.Unprotect(retired, The.ConnectionId, TokenKind.Refresh));
            Assert.Equal(The.AccessToken, _protector.Unprotect(active, The.ConnectionId, TokenKind.Access));
        }
    }

    [Fact]
    public void A_token_written_back_where_it_was_read_from_keeps_its_ciphertext()
    {
        var stored = _protector.Protect(The.RefreshToken, The.ConnectionId, TokenKind.Refresh);
        var read = _protector.Unprotect(stored, The.ConnectionId, TokenKind.Refresh);

        var writtenBack = _protector.Protect(read, The.ConnectionId, TokenKind.Refresh);

        Assert.Equal(stored.KeyId, writtenBack.KeyId);
        Assert.Equal(stored.Ciphertext, writtenBack.Ciphertext);
    }

    [Fact]
    public void A_read_token_is_encrypted_anew_for_another_connection_or_kind_and_each_copy_reads_only_there()
    {
        var stored = _protector.Protect(The.RefreshToken, The.ConnectionId, TokenKind.Refresh);
        var read = _protector.Unprotect(stored, The.ConnectionId, TokenKind.Refresh);

        var elsewhere = _protector.Protect(read, "conn-bob", TokenKind.Refresh);
        var asAccess = _protector.Protect(read, The.ConnectionId, TokenKind.Access);

        Assert.NotEqual(stored.Ciphertext, elsewhere.Ciphertext);
        Assert.NotEqual(stored.Ciphertext, asAccess.Ciphertext);
        Assert.Equal(The.RefreshToken, _protector.Unprotect(elsewhere, "conn-bob", TokenKind.Refresh));
        Assert.Equal(The.RefreshToken, _protector.Unprotect(asAccess, The.ConnectionId, TokenKind.Access));
        Assert.Throws<TokenProtectionException>(() => _protector.Unprotect(elsewhere, The.ConnectionId, TokenKind.Refresh));
    }

    [Fact]
    public void A_token_read_under_a_retired_key_is_written_back_under_the_active_key()
    {
        var stored = Some.Protector(The.KeyBId, The.KeyBId).Protect(The.RefreshToken, The.ConnectionId, TokenKind.Refresh);
        var read = _protector.Unprotect(stored, The.ConnectionId, TokenKind.Refresh);

        var writtenBack = _protector.Protect(read, The.ConnectionId, TokenKind.Refresh);

        Assert.Equal(The.KeyAId, writtenBack.KeyId);
        Assert.Equal(The.RefreshToken, _protector.Unprotect(writtenBack, The.ConnectionId, TokenKind.Refresh));
    }

    [Fact]
    public void A_new_token_with_the_same_value_is_encrypted_with_a_new_nonce()
    {
        var stored = _protector.Protect(The.RefreshToken, The.ConnectionId, TokenKind.Refresh);
        _ = _protector.Unprotect(stored, The.ConnectionId, TokenKind.Refresh);

        var again = _protector.Protect(The.RefreshToken, The.ConnectionId, TokenKind.Refresh);

        Assert.NotEqual(stored.Ciphertext[..12], again.Ciphertext[..12]);
    }
}
