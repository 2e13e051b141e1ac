using Microsoft.Extensions.Configuration;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage.Encryption;

public sealed class EncryptionOptionsValidatorTests
{
    private readonly EncryptionOptionsValidator _validator = new();

    [Fact]
    public void A_ring_with_an_active_key_and_a_retired_one_is_valid()
    {
        var result = _validator.Validate(null, Some.EncryptionOptions(The.KeyBId, The.KeyBId, The.KeyAId));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void A_missing_active_key_id_is_reported_by_its_setting()
    {
        var options = Some.EncryptionOptions(The.KeyAId);
        options.ActiveKeyId = " ";

        var failure = Assert.Single(_validator.Validate(null, options).Failures!);

        Assert.StartsWith("Encryption:ActiveKeyId is required", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void An_active_key_id_that_names_no_key_is_reported_with_the_missing_setting()
    {
        var options = Some.EncryptionOptions(The.KeyAId);
        options.ActiveKeyId = "key-2027";

        var failure = Assert.Single(_validator.Validate(null, options).Failures!);

        Assert.Equal("Encryption:ActiveKeyId is 'key-2027', but there is no Encryption:Keys:key-2027 (nor Encryption:KeyFiles:key-2027).", failure);
    }

    [Fact]
    public void An_empty_key_ring_is_reported()
    {
        var failures = _validator.Validate(null, new EncryptionOptions { ActiveKeyId = The.KeyAId }).Failures!;

        Assert.Contains(failures, f => f.StartsWith("Encryption:Keys is empty", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not base64 at all!", "is not valid base64")]
    [InlineData("", "is empty")]
    [InlineData("AAECAwQFBgcICQoLDA0ODw==", "decodes to 16 bytes: AES-256 needs exactly 32")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gIQ==", "decodes to 34 bytes")]
    public void A_key_that_is_not_base64_of_32_bytes_is_reported_by_its_setting_without_its_value(string value, string problem)
    {
        var options = Some.EncryptionOptions(The.KeyAId);
        options.Keys["key-bad"] = value;

        var failure = Assert.Single(_validator.Validate(null, options).Failures!);

        Assert.StartsWith($"Encryption:Keys:key-bad {problem}", failure, StringComparison.Ordinal);
        if (value.Length > 0)
        {
            Assert.DoesNotContain(value, failure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = new EncryptionOptions();
        options.Keys["key-short"] = "AAECAwQFBgcICQoLDA0ODw==";
        options.Keys["key-garbled"] = "%%%";

        var failures = _validator.Validate(null, options).Failures!.ToList();

        Assert.Equal(3, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Encryption:ActiveKeyId", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Encryption:Keys:key-short", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Encryption:Keys:key-garbled", StringComparison.Ordinal));
    }

    [Fact]
    public void Keys_bind_from_configuration_by_id()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Encryption:ActiveKeyId"] = The.KeyBId,
                [$"Encryption:Keys:{The.KeyAId}"] = The.KeyA,
                [$"Encryption:Keys:{The.KeyBId}"] = The.KeyB,
            })
            .Build();

        var options = new EncryptionOptions();
        configuration.GetSection(EncryptionOptions.SectionName).Bind(options);

        Assert.Equal(The.KeyBId, options.ActiveKeyId);
        Assert.Equal(The.Keys.OrderBy(k => k.Key), options.Keys.OrderBy(k => k.Key));
        Assert.True(_validator.Validate(null, options).Succeeded);
    }
}
