using TokenWorkers.Hosting;
using TokenWorkers.Sandbox;
using TokenWorkers.Sandbox.Hosting;

// `TokenWorkers.Sandbox healthcheck [url]`: the container's health probe (its clock answers once the sandbox serves).
if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args, "_sandbox/clock", defaultPort: 5080);
}

// The settings next to the binary, wherever it is started from: from the repository root the working directory holds
// no appsettings.json, and a sandbox without its demo app answers every client_id as invalid.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddOptions<SandboxSettings>().BindConfiguration(SandboxSettings.SectionName).ValidateOnStart();
builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<SandboxSettings>, SandboxSettingsValidator>();
builder.Services.AddLinkedInSandbox(timeProvider: null);

var app = builder.Build();
app.MapLinkedInSandbox();
app.Lifetime.ApplicationStarted.Register(() => SandboxStartup.Announce(app));
app.Run();
return 0;
