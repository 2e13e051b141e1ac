namespace TokenWorkers.Sandbox.Hosting;

internal static class SandboxStartup
{
    public static void Announce(WebApplication app)
    {
        var control = app.Services.GetRequiredService<SandboxControl>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TokenWorkers.Sandbox");
        Log.Started(logger, string.Join(", ", app.Urls), control.Apps.Count, control.Members.Count);
        if (control.Apps.Count == 0)
        {
            Log.NoApps(logger);
        }
    }
}
