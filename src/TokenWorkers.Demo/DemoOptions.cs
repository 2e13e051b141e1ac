namespace TokenWorkers.Demo;

/// <summary>The seeded demo that <c>make run</c> shows against the LinkedIn sandbox.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>The sandbox's base URL; its <c>/_sandbox</c> control surface creates the demo's members and grants.</summary>
    public Uri SandboxUrl { get; set; } = new("http://127.0.0.1:5080/");
}
