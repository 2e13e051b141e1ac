using TokenWorkers.Hosting;

// `TokenWorkers healthcheck [url]` is the container's health probe: answered before any host is built, so it is fast and
// does not depend on the rest of the configuration being valid.
if (HealthProbe.IsRequested(args))
{
    return await HealthProbe.RunAsync(args, "health/ready", defaultPort: 5070);
}

// Settings files live beside the binary, whatever directory the worker is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddTokenWorkers();
// In Development (`dotnet run`, Properties/launchSettings.json): say what is not running instead of starting without it.
if (await DeveloperStart.CheckAsync(builder.Configuration, builder.Environment, args, Console.Error) is { } missing)
{
    return missing;
}

var app = builder.Build();
// `TokenWorkers reencrypt` runs the re-encryption sweep and exits instead of serving (docs/key-rotation.md).
return await app.RunTokenWorkersAsync(args, mapEndpoints: true);
