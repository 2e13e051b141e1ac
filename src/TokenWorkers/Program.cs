using TokenWorkers.Hosting;

// Settings files live beside the binary, whatever directory the worker is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddTokenWorkers();

var app = builder.Build();
app.MapTokenWorkersEndpoints();
return await app.RunTokenWorkersAsync();
