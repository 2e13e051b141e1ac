using Microsoft.Extensions.Options;

namespace TokenWorkers.Storage.Encryption;

/// <summary>Reports every problem of the key ring at once, each with the setting's name and never a key's value.</summary>
public sealed class EncryptionOptionsValidator : IValidateOptions<EncryptionOptions>
{
    public ValidateOptionsResult Validate(string? name, EncryptionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = EncryptionOptions.SectionName;
        var failures = new List<string>();

        if (options.Keys.Count == 0 && options.KeyFiles.Count == 0)
        {
            failures.Add($"{Section}:Keys is empty: configure at least one key as {Section}:Keys:<id> = base64 of 32 random bytes, " +
                $"or as {Section}:KeyFiles:<id> = a file that holds it.");
        }

        foreach (var (_, setting, value) in ConfiguredKeys.Read(options, failures))
        {
            if (!EncryptionKey.TryDecode(value, out _, out var problem))
            {
                failures.Add($"{setting} {problem}");
            }
        }

        if (string.IsNullOrWhiteSpace(options.ActiveKeyId))
        {
            failures.Add($"{Section}:ActiveKeyId is required: the id of the key in {Section}:Keys that encrypts new tokens.");
        }
        else if (!ConfiguredKeys.Names(options, options.ActiveKeyId))
        {
            failures.Add(
                $"{Section}:ActiveKeyId is '{options.ActiveKeyId}', but there is no {Section}:Keys:{options.ActiveKeyId} " +
                $"(nor {Section}:KeyFiles:{options.ActiveKeyId}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
