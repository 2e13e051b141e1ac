using Microsoft.Extensions.Options;

namespace TokenWorkers.Storage;

/// <summary>Reports every problem of the <c>Storage</c> section at once, each with the setting's name.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = StorageOptions.SectionName;
        var failures = new List<string>();

        if (!StorageProviders.All.Any(provider => StorageProviders.Is(options.Provider, provider)))
        {
            failures.Add(
                $"{Section}:Provider is '{options.Provider}', which is not one of: {string.Join(", ", StorageProviders.All)}.");
        }

        if (StorageProviders.Is(options.Provider, StorageProviders.Sqlite) && string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add($"{Section}:DataDirectory is empty: the embedded store needs a directory for its file.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
