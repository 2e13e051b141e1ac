using System.Globalization;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// LinkedIn's monthly API versions on <c>/rest</c>: a version is served from its release month until it is sunset,
/// about a year later, mid-month (docs/linkedin-api.md 13.3: 202407 sunset July 22, 2025; 202410 October 15, 2025; …);
/// the sandbox takes the 15th. A version outside that window, or not yet released, is answered 426 NONEXISTENT_VERSION
/// with the version in its 8-digit form, as LinkedIn echoes it. <c>Sandbox:VersionLifecycle=false</c> serves every
/// well-formed version, for tests that move the clock by years.
/// </summary>
internal sealed class ApiVersions(State.RuntimeKnobs knobs, State.SandboxClock clock)
{
    /// <summary>Null when <paramref name="version"/> is served now; otherwise the version as LinkedIn's refusal names it.</summary>
    public string? Refused(string version)
    {
        if (!PostsEndpoint.VersionFormat().IsMatch(version))
        {
            return version;
        }

        if (!knobs.Settings.VersionLifecycle)
        {
            return null;
        }

        var released = DateTime.ParseExact(version[..6], "yyyyMM", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var releasedAt = new DateTimeOffset(released.Year, released.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var sunset = new DateTimeOffset(released.Year + 1, released.Month, 15, 0, 0, 0, TimeSpan.Zero);
        var now = clock.UtcNow;
        return now >= releasedAt && now < sunset ? null : version[..6] + "01";
    }
}
