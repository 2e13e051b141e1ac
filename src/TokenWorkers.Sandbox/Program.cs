using TokenWorkers.Sandbox;
using TokenWorkers.Sandbox.Hosting;

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
