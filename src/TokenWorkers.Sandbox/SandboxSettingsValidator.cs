using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox;

/// <summary>Checks the settings at start and reports every problem with the setting's name, so a bad config fails at boot.</summary>
internal sealed partial class SandboxSettingsValidator : IValidateOptions<SandboxSettings>
{
    public ValidateOptionsResult Validate(string? name, SandboxSettings options)
    {
        var errors = Errors(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static void ThrowIfInvalid(SandboxSettings settings)
    {
        var errors = Errors(settings).ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(SandboxSettings.SectionName, typeof(SandboxSettings), errors);
        }
    }

    public static void ThrowIfInvalid(SandboxApp app)
    {
        if (Errors(app, "app").FirstOrDefault() is { } error)
        {
            throw new ArgumentException(error, nameof(app));
        }
    }

    public static void ThrowIfInvalid(SandboxMember member)
    {
        if (Errors(member, "member").FirstOrDefault() is { } error)
        {
            throw new ArgumentException(error, nameof(member));
        }
    }

    private static IEnumerable<string> Errors(SandboxSettings settings)
    {
        const string S = SandboxSettings.SectionName;
        for (var i = 0; i < settings.Apps.Count; i++)
        {
            foreach (var error in Errors(settings.Apps[i].ToApp(), $"{S}:Apps:{i}"))
            {
                yield return error;
            }
        }

        foreach (var duplicate in settings.Apps.GroupBy(a => a.ClientId, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            yield return $"{S}:Apps: client id \"{duplicate.Key}\" appears more than once.";
        }

        for (var i = 0; i < settings.Members.Count; i++)
        {
            foreach (var error in Errors(settings.Members[i].ToMember(), $"{S}:Members:{i}"))
            {
                yield return error;
            }
        }

        if (settings.AuthorizingMember is { Length: > 0 } authorizing && !settings.Members.Any(m => m.Sub == authorizing))
        {
            yield return $"{S}:AuthorizingMember: \"{authorizing}\" is not one of {S}:Members.";
        }

        foreach (var (key, value) in new[]
        {
            (nameof(settings.AuthorizationCodeLifetime), settings.AuthorizationCodeLifetime),
            (nameof(settings.AccessTokenLifetime), settings.AccessTokenLifetime),
            (nameof(settings.RefreshTokenLifetime), settings.RefreshTokenLifetime),
            (nameof(settings.ImageUploadUrlLifetime), settings.ImageUploadUrlLifetime),
        })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return $"{S}:{key} must be positive.";
            }
        }

        foreach (var (key, value) in new[]
        {
            (nameof(settings.OldAccessTokenGrace), settings.OldAccessTokenGrace),
            (nameof(settings.NewAccessTokenActivationDelay), settings.NewAccessTokenActivationDelay),
            (nameof(settings.DuplicatePostWindow), settings.DuplicatePostWindow),
            (nameof(settings.Latency), settings.Latency),
            (nameof(settings.ImageProcessingDelay), settings.ImageProcessingDelay),
        })
        {
            if (value < TimeSpan.Zero)
            {
                yield return $"{S}:{key} must not be negative.";
            }
        }

        foreach (var (endpoint, latency) in settings.EndpointLatency)
        {
            if (!SandboxEndpoints.TryParse(endpoint, out _))
            {
                yield return $"{S}:EndpointLatency:{endpoint} is not an endpoint; use one of {string.Join(", ", SandboxEndpoints.All.Select(e => e.Name()))}.";
            }
            else if (latency < TimeSpan.Zero)
            {
                yield return $"{S}:EndpointLatency:{endpoint} must not be negative.";
            }
        }

        if (settings.MaxPostLength <= 0)
        {
            yield return $"{S}:MaxPostLength must be positive.";
        }

        if (settings.MaxRecordedRequests <= 0)
        {
            yield return $"{S}:MaxRecordedRequests must be positive.";
        }
    }

    private static IEnumerable<string> Errors(SandboxApp app, string at)
    {
        if (string.IsNullOrWhiteSpace(app.ClientId))
        {
            yield return $"{at}:ClientId is required.";
        }

        if (string.IsNullOrEmpty(app.ClientSecret))
        {
            yield return $"{at}:ClientSecret is required.";
        }

        foreach (var uri in app.RedirectUris)
        {
            if (!Uri.TryCreate(uri, UriKind.Absolute, out _) || uri.Contains('#', StringComparison.Ordinal))
            {
                yield return $"{at}:RedirectUris: \"{uri}\" must be an absolute URL without a fragment.";
            }
        }

        foreach (var scope in app.AllowedScopes.Where(s => !Scopes.Known.Contains(s)))
        {
            yield return $"{at}:AllowedScopes: \"{scope}\" is not a LinkedIn scope.";
        }
    }

    private static IEnumerable<string> Errors(SandboxMember member, string at)
    {
        if (!Sub().IsMatch(member.Sub))
        {
            yield return $"{at}:Sub \"{member.Sub}\" must be 1 to 64 URL-safe characters (A-Z, a-z, 0-9, - and _).";
        }

        if (string.IsNullOrWhiteSpace(member.Name))
        {
            yield return $"{at}:Name is required.";
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex Sub();
}
