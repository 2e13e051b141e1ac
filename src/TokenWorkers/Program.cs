using TokenWorkers.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddTokenWorkers();

var app = builder.Build();
app.MapTokenWorkersEndpoints();
return await app.RunTokenWorkersAsync();
