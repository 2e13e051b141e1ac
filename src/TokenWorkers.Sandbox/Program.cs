using TokenWorkers.Sandbox;
using TokenWorkers.Sandbox.Hosting;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddOptions<SandboxSettings>().BindConfiguration(SandboxSettings.SectionName).ValidateOnStart();
builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<SandboxSettings>, SandboxSettingsValidator>();
builder.Services.AddLinkedInSandbox(timeProvider: null);

var app = builder.Build();
app.MapLinkedInSandbox();
app.Lifetime.ApplicationStarted.Register(() => SandboxStartup.Announce(app));
app.Run();
