using System.Text;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage.Encryption;

public sealed class AesGcmTokenProtectorTests
{
    private readonly ITokenProtector _protector = Some.Protector();

    [Theory]
    [InlineData(The.AccessTokenValue)]
    [InlineData("x")]
    [InlineData("jeton-ünïcødé-✓-🔑")]
    public void A_protected_token_unprotects_to_the_same_token(string value)
    {
        var token = new SecretToken(value);

        var stored = _protector.Protect(token, The.ConnectionId, TokenKind.Access);

        Assert.Equal(token, _protector.Unprotect(stored, The.ConnectionId, TokenKind.Access));
    }

    [Fact]
    public void A_protected_token_is_nonce_then_ciphertext_then_tag_under_the_active_key()
    {
        var stored = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);

        Assert.Equal(The.KeyAId, stored.KeyId);
        Assert.Equal(12 + Encoding.UTF8.GetByteCount(The.AccessTokenValue) + 16, stored.Ciphertext.Length);
    }

    [Fact]
    public void The_same_token_encrypts_differently_every_time()
    {
        var first = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);
        var second = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);

        Assert.NotEqual(first.Ciphertext[..12], second.Ciphertext[..12]);
        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
    }

    [Fact]
    public void A_protected_token_does_not_contain_the_token()
    {
        var stored = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);

        Assert.Equal(-1, stored.Ciphertext.AsSpan().IndexOf(Encoding.UTF8.GetBytes(The.AccessTokenValue)));
        Assert.Equal(-1, stored.Ciphertext.AsSpan().IndexOf(Encoding.UTF8.GetBytes(The.AccessTokenValue[..8])));
    }

    [Fact]
    public void A_token_protected_for_one_connection_does_not_unprotect_for_another()
    {
        var stored = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);

        var error = Assert.Throws<TokenProtectionException>(() => _protector.Unprotect(stored, "conn-bob", TokenKind.Access));

        Assert.Contains("connection 'conn-bob'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"key '{The.KeyAId}'", error.Message, StringComparison.Ordinal);
        AssertNoSecretIn(error);
    }

    [Fact]
    public void An_access_token_does_not_unprotect_as_a_refresh_token()
    {
        var stored = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);

        var error = Assert.Throws<TokenProtectionException>(() => _protector.Unprotect(stored, The.ConnectionId, TokenKind.Refresh));

        Assert.Contains("refresh token", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]   // nonce
    [InlineData(20)]  // ciphertext
    [InlineData(-1)]  // tag
    public void A_tampered_byte_anywhere_fails_with_a_clear_error(int index)
    {
        var stored = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);
        var tampered = stored.Ciphertext.ToArray();
        tampered[index < 0 ? tampered.Length + index : index] ^= 0x01;

        var error = Assert.Throws<TokenProtectionException>(() =>
            _protector.Unprotect(stored with { Ciphertext = tampered }, The.ConnectionId, TokenKind.Access));

        Assert.Contains("does not authenticate", error.Message, StringComparison.Ordinal);
        AssertNoSecretIn(error);
    }

    [Fact]
    public void A_truncated_ciphertext_fails_with_a_clear_error()
    {
        var stored = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);

        var error = Assert.Throws<TokenProtectionException>(() =>
            _protector.Unprotect(stored with { Ciphertext = stored.Ciphertext[..28] }, The.ConnectionId, TokenKind.Access));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_under_a_key_that_is_not_configured_fails_naming_the_key_and_its_setting()
    {
        var stored = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);
        var withoutKeyA = Some.Protector(The.KeyBId);

        var error = Assert.Throws<TokenProtectionException>(() => withoutKeyA.Unprotect(stored, The.ConnectionId, TokenKind.Access));

        Assert.Contains($"key '{The.KeyAId}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'Encryption:Keys:{The.KeyAId}'", error.Message, StringComparison.Ordinal);
        AssertNoSecretIn(error);
    }

    [Fact]
    public void A_key_whose_value_changed_under_the_same_id_fails_naming_its_setting()
    {
        var stored = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);
        var options = new EncryptionOptions { ActiveKeyId = The.KeyAId };
        options.Keys[The.KeyAId] = The.OtherValueForKeyA;
        var mistyped = new AesGcmTokenProtector(Options.Create(options));

        var error = Assert.Throws<TokenProtectionException>(() => mistyped.Unprotect(stored, The.ConnectionId, TokenKind.Access));

        Assert.Contains($"'Encryption:Keys:{The.KeyAId}' changed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void After_rotation_a_retired_key_still_decrypts_and_new_tokens_use_the_active_key()
    {
        var underKeyA = _protector.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);
        var rotated = Some.Protector(The.KeyBId, The.KeyBId, The.KeyAId);

        var underKeyB = rotated.Protect(The.AccessToken, The.ConnectionId, TokenKind.Access);

        Assert.Equal(The.AccessToken, rotated.Unprotect(underKeyA, The.ConnectionId, TokenKind.Access));
        Assert.Equal(The.KeyBId, underKeyB.KeyId);
        Assert.Equal(The.AccessToken, Some.Protector(The.KeyBId).Unprotect(underKeyB, The.ConnectionId, TokenKind.Access));
    }

    [Fact]
    public void An_invalid_key_ring_is_refused_at_construction_with_every_problem()
    {
        var options = new EncryptionOptions { ActiveKeyId = "missing" };
        options.Keys["short"] = Convert.ToBase64String(new byte[16]);

        var error = Assert.Throws<OptionsValidationException>(() => new AesGcmTokenProtector(Options.Create(options)));

        Assert.Equal(2, error.Failures.Count());
    }

    private static void AssertNoSecretIn(Exception error)
    {
        var text = error.ToString();
        Assert.DoesNotContain(The.AccessTokenValue, text, StringComparison.Ordinal);
        Assert.DoesNotContain(The.KeyA, text, StringComparison.Ordinal);
    }
}
