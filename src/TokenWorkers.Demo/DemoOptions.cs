using System.ComponentModel.DataAnnotations;

namespace TokenWorkers.Demo;

/// <summary>The seeded demo that <c>make run</c> shows against the LinkedIn sandbox.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>The sandbox's base URL; its <c>/_sandbox</c> control surface creates the demo's members, grants and Company Page.</summary>
    public Uri SandboxUrl { get; set; } = new("http://127.0.0.1:5080/");

    /// <summary>
    /// How far ahead of the demo's start its scheduled posts are set to go out (a minute by default). They are released by
    /// the worker's resumption scan, so they go out at most <c>Publishing:ScanInterval</c> later.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ScheduleLead { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the demo waits for a post to be recorded or published before it skips the step that needs it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan WaitLimit { get; set; } = TimeSpan.FromMinutes(2);
}
