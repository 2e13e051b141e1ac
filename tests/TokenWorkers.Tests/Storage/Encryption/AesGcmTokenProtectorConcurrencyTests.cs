using TokenWorkers.Connections;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage.Encryption;

/// <summary>The protector reuses its cipher instances, which are not thread-safe: concurrent and failed uses must not leak into each other.</summary>
public sealed class AesGcmTokenProtectorConcurrencyTests
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
}
