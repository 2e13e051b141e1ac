using Microsoft.Extensions.Options;

namespace TokenWorkers.Admin;

/// <summary>
/// The admin API and status page (section <c>Admin</c>): off unless enabled. The API key is a secret: from the
/// environment (<c>Admin__ApiKey</c>) or a mounted file (<c>Admin__ApiKeyFile</c>), never from committed settings.
/// </summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    /// <summary>Keys shorter than this are refused: they could be guessed.</summary>
    public const int MinKeyLength = 24;

    public bool Enabled { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>A file holding the key (a Docker or Kubernetes secret); surrounding whitespace is ignored.</summary>
    public string? ApiKeyFile { get; set; }

    /// <summary>The most connections one list call or status page shows; the rest are reached by paging.</summary>
    public int PageSize { get; set; } = 500;
}

public sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        var hasKey = !string.IsNullOrEmpty(options.ApiKey);
        var hasFile = !string.IsNullOrEmpty(options.ApiKeyFile);
        if (hasKey == hasFile)
        {
            failures.Add("Admin:ApiKey or Admin:ApiKeyFile (exactly one) is required when Admin:Enabled is true.");
        }
        else
        {
            var (key, problem) = AdminKey.Load(options);
            if (problem is not null)
            {
                failures.Add(problem);
            }
            else if (key!.Length < AdminOptions.MinKeyLength)
            {
                failures.Add($"{(hasKey ? "Admin:ApiKey" : "Admin:ApiKeyFile")} must hold at least {AdminOptions.MinKeyLength} characters.");
            }
        }

        if (options.PageSize is < 1 or > 10_000)
        {
            failures.Add("Admin:PageSize must be between 1 and 10000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
