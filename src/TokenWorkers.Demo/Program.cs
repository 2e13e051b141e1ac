using TokenWorkers.Demo;
using TokenWorkers.Hosting;

// Settings files live beside the binary (the worker's own, linked in), whatever directory the demo is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddTokenWorkersDemo();
builder.AddTokenWorkers(configureBus: bus => bus.AddTokenWorkersDemoConsumers());

var app = builder.Build();
return await app.RunTokenWorkersAsync([], mapEndpoints: true);
