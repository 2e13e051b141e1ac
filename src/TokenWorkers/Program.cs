using TokenWorkers.Hosting;

// Settings files live beside the binary, whatever directory the worker is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddTokenWorkers();

var app = builder.Build();
app.MapTokenWorkersEndpoints();
// `TokenWorkers reencrypt` runs the re-encryption sweep and exits instead of serving (docs/key-rotation.md).
return await app.RunTokenWorkersAsync(args);
