using Microsoft.Extensions.Options;
using TokenWorkers.LinkedIn;
using TokenWorkers.Publishing;
using TokenWorkers.Refresh;

namespace TokenWorkers.Hosting;

/// <summary>
/// Refuses a refresh lease or a post claim that could run out while the call it covers is still in flight: another
/// instance would then exchange the same refresh token, or send the same post, a second time. Lives here because the rule
/// spans the capabilities' settings and the LinkedIn adapter's request timeout.
/// </summary>
internal sealed class LeaseCoverageValidator(IOptions<LinkedInOptions> linkedIn, IConfiguration configuration)
    : IValidateOptions<PublishingOptions>
{
    public ValidateOptionsResult Validate(string? name, PublishingOptions options) =>
        Read(linkedIn) is { } linkedInOptions
            ? Check(
                $"{PublishingOptions.SectionName}:ClaimDuration", options.ClaimDuration, linkedInOptions.RequestTimeout, SkewTolerance(),
                "a post call (the claim is renewed before each call, so it must cover one)")
            : ValidateOptionsResult.Skip;

    /// <summary>The refresh lease, validated with <see cref="RefreshOptions"/> (which cannot depend on its own options).</summary>
    internal sealed class ForRefresh(IOptions<LinkedInOptions> linkedIn) : IValidateOptions<RefreshOptions>
    {
        public ValidateOptionsResult Validate(string? name, RefreshOptions options) =>
            Read(linkedIn) is { } linkedInOptions
                ? Check(
                    $"{RefreshOptions.SectionName}:LeaseDuration", options.LeaseDuration, linkedInOptions.RequestTimeout, options.ClockSkewTolerance,
                    "a refresh-token exchange")
                : ValidateOptionsResult.Skip;
    }

    // Bound here rather than through IOptions, so that a claim is still checked when the refresh settings are invalid too.
    private TimeSpan SkewTolerance() =>
        (configuration.GetSection(RefreshOptions.SectionName).Get<RefreshOptions>() ?? new RefreshOptions()).ClockSkewTolerance;

    // Settings of another section that are themselves invalid are reported by their own validation, not here.
    private static T? Read<T>(IOptions<T> options)
        where T : class
    {
        try
        {
            return options.Value;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }

    private static ValidateOptionsResult Check(string setting, TimeSpan lease, TimeSpan requestTimeout, TimeSpan skew, string covers)
    {
        var needed = LeaseRules.Needed(requestTimeout, skew);
        return lease >= needed
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{setting} ({lease:c}) must be at least {needed:c}: it covers {covers}, which may take " +
                $"{LinkedInOptions.SectionName}:RequestTimeout ({requestTimeout:c}), plus {AnswerWriter.AttemptTimeout.TotalSeconds:0} s to store " +
                $"the answer and {RefreshOptions.SectionName}:ClockSkewTolerance ({skew:c}) for clocks that differ between instances. " +
                $"Lengthen {setting} or shorten {LinkedInOptions.SectionName}:RequestTimeout.");
    }
}
