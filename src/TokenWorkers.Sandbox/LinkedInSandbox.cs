using Microsoft.Extensions.Options;
using TokenWorkers.Sandbox.Hosting;

namespace TokenWorkers.Sandbox;

/// <summary>
/// The sandbox hosted inside a test process: real Kestrel on a real socket, so clients exercise
/// their actual HTTP stack (connection reuse, timeouts, dropped connections).
/// </summary>
public sealed class LinkedInSandbox : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LinkedInSandbox(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Control = app.Services.GetRequiredService<SandboxControl>();
    }

    /// <summary>Where the sandbox listens, with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Apps, members, grants, faults, latency, the clock (when not injected) and the request record.</summary>
    public SandboxControl Control { get; }

    /// <summary>
    /// Starts a sandbox on <see cref="SandboxSettings.Url"/> (default <c>http://127.0.0.1:0</c>, a free port).
    /// With <paramref name="timeProvider"/> the sandbox reads all time from it; without, it owns its clock.
    /// </summary>
    public static async Task<LinkedInSandbox> StartAsync(SandboxSettings? settings = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        settings ??= new SandboxSettings();
        SandboxSettingsValidator.ThrowIfInvalid(settings);

        // Not the standalone builder: a host process's appsettings, environment and console must not leak in.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(LinkedInSandbox).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(settings.Url ?? "http://127.0.0.1:0");
        builder.Services.AddSingleton(Options.Create(settings));
        builder.Services.AddLinkedInSandbox(timeProvider);

        var app = builder.Build();
        app.MapLinkedInSandbox();
        await app.StartAsync(cancellationToken);
        var address = app.Urls.First().TrimEnd('/') + "/";
        return new LinkedInSandbox(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
