using Microsoft.Extensions.Options;
using TokenWorkers.Runtime;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// <c>LinkedIn:ClientSecret</c> or <c>LinkedIn:ClientSecretFile</c>, exactly one, and a file that holds a secret: a missing
/// secret stops start-up rather than the first refresh. The other settings are checked by their data annotations.
/// </summary>
public sealed class LinkedInSecretValidator : IValidateOptions<LinkedInOptions>
{
    public ValidateOptionsResult Validate(string? name, LinkedInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        SecretSetting.Resolve(LinkedInOptions.ClientSecretSetting, options.ClientSecret, LinkedInOptions.ClientSecretFileSetting, options.ClientSecretFile, problems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
