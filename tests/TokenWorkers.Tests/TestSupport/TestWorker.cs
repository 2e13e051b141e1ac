using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Hosting;
using TokenWorkers.Storage.Sqlite;

namespace TokenWorkers.Tests.TestSupport;

/// <summary>
/// One worker instance as Program.cs composes it (embedded SQLite, in-memory bus, admin API on), on a data directory
/// the test owns, so several instances with different key rings can share one store file as a fleet would.
/// Nothing refreshes behind the test's back: the scan runs hourly.
/// </summary>
internal sealed class TestWorker : IAsyncDisposable
{
    public const string ApiKey = "test-worker-admin-key-0123456789";

    private readonly WebApplication _app;

    private TestWorker(WebApplication app, string dataDirectory)
    {
        _app = app;
        DatabasePath = Path.Combine(dataDirectory, SqliteConnectionStore.FileName);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address.TrimEnd('/') + "/");
        Http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
    }

    public Uri Address { get; }

    /// <summary>Sends the admin key with every request.</summary>
    public HttpClient Http { get; }

    public string DatabasePath { get; }

    public IServiceProvider Services => _app.Services;

    public IConnectionStore Store => _app.Services.GetRequiredService<IConnectionStore>();

    /// <param name="keys">The key ring: key id → base64 key; <paramref name="activeKeyId"/> must be one of them.</param>
    /// <param name="configureServices">Services added before the worker's own (a Serilog sink, for one).</param>
    public static async Task<TestWorker> StartAsync(
        string dataDirectory, string activeKeyId, IReadOnlyDictionary<string, string> keys, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        var configuration = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["LinkedIn:ClientId"] = "tw-test-worker",
            ["LinkedIn:ClientSecret"] = "tw-test-worker-secret",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Encryption:ActiveKeyId"] = activeKeyId,
            ["Refresh:ScanInterval"] = "01:00:00",
            ["Admin:Enabled"] = "true",
            ["Admin:ApiKey"] = ApiKey,
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (keyId, key) in keys)
        {
            configuration[$"Encryption:Keys:{keyId}"] = key;
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[name] = value;
        }

        builder.Configuration.AddInMemoryCollection(configuration);
        configureServices?.Invoke(builder.Services);
        builder.AddTokenWorkers();
        var app = builder.Build();
        app.MapTokenWorkersEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new TestWorker(app, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
