using Microsoft.Extensions.Options;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// Every app's client id and secret (<c>LinkedIn:ClientSecret</c> or <c>LinkedIn:ClientSecretFile</c>, exactly one, for the
/// single-app settings; the same under <c>LinkedIn:Apps:{name}</c>): a missing secret stops start-up rather than the first
/// refresh. The other settings are checked by their data annotations.
/// </summary>
public sealed class LinkedInSecretValidator : IValidateOptions<LinkedInOptions>
{
    public ValidateOptionsResult Validate(string? name, LinkedInOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        LinkedInApps.Resolve(options, problems);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
