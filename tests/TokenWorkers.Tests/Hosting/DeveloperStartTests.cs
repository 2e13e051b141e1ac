using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// <c>dotnet run --project src/TokenWorkers</c> for a developer: the built worker started with the launch profile's
/// environment (Properties/launchSettings.json) and the development settings, with and without what they point at.
/// </summary>
public sealed class DeveloperStartTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-devstart-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public void The_launch_profile_runs_in_Development_with_a_callback_the_sandbox_registers()
    {
        var profile = LaunchProfile();
        var sandboxSettings = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "TokenWorkers.Sandbox", "appsettings.json")))!;
        var redirectUris = sandboxSettings["Sandbox"]!["Apps"]![0]!["RedirectUris"]!.AsArray().Select(uri => (string)uri!);

        Assert.Equal("Development", profile["ASPNETCORE_ENVIRONMENT"]);
        Assert.Contains(new Uri(new Uri(profile["Connect__PublicBaseUrl"]), "connect/linkedin/callback").ToString(), redirectUris);
    }

    [Fact]
    public async Task Without_the_sandbox_it_says_what_is_missing_and_which_make_target_starts_it_and_exits_3()
    {
        var nothing = FreePorts.Next();

        var result = await RunAsync(new() { ["LinkedIn__OAuthBaseUrl"] = $"http://127.0.0.1:{nothing}/", ["LinkedIn__ApiBaseUrl"] = $"http://127.0.0.1:{nothing}/" });

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains($"the LinkedIn sandbox at http://127.0.0.1:{nothing}/ (LinkedIn:OAuthBaseUrl) does not answer", result.Errors, StringComparison.Ordinal);
        Assert.Contains("make sandbox", result.Errors, StringComparison.Ordinal);
        Assert.Contains("make run", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("RabbitMQ", result.Errors, StringComparison.Ordinal);
        Assert.True(result.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length <= 24, $"more than one screen:\n{result.Errors}");
    }

    [Fact]
    public async Task With_RabbitMQ_chosen_and_no_broker_it_names_the_broker_too()
    {
        using var sandbox = Listening(out var sandboxPort);
        var nothing = FreePorts.Next();

        var result = await RunAsync(new()
        {
            ["LinkedIn__OAuthBaseUrl"] = $"http://127.0.0.1:{sandboxPort}/",
            ["LinkedIn__ApiBaseUrl"] = $"http://127.0.0.1:{sandboxPort}/",
            ["Transport__Kind"] = "RabbitMq",
            ["Transport__RabbitMq__Host"] = "127.0.0.1",
            ["Transport__RabbitMq__Port"] = nothing.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains($"RabbitMQ at 127.0.0.1:{nothing} (Transport:RabbitMq) does not answer", result.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("LinkedIn sandbox", result.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_sandbox_answering_the_worker_starts_and_serves()
    {
        using var sandbox = Listening(out var sandboxPort);
        var port = FreePorts.Next();

        var result = await RunAsync(
            new() { ["LinkedIn__OAuthBaseUrl"] = $"http://127.0.0.1:{sandboxPort}/", ["LinkedIn__ApiBaseUrl"] = $"http://127.0.0.1:{sandboxPort}/", ["Urls"] = $"http://127.0.0.1:{port}" },
            whileRunning: async () =>
            {
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
                for (var attempt = 0; attempt < 200; attempt++)
                {
                    try
                    {
                        using var live = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/live"), Cancel);
                        return live.StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        await Task.Delay(100, Cancel);
                    }
                }

                return false;
            });

        Assert.True(result.Served, result.ToString());
        Assert.DoesNotContain("cannot start", result.Errors, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static Dictionary<string, string> LaunchProfile()
    {
        var launch = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "src", "TokenWorkers", "Properties", "launchSettings.json")))!;
        var profile = launch["profiles"]!.AsObject().Single(p => (string?)p.Value!["commandName"] == "Project").Value!;
        return profile["environmentVariables"]!.AsObject().ToDictionary(pair => pair.Key, pair => (string)pair.Value!, StringComparer.Ordinal);
    }

    private static TcpListener Listening(out int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return listener;
    }

    /// <summary>The built worker as `dotnet run` starts it with the launch profile, plus <paramref name="settings"/>; stopped after <paramref name="whileRunning"/>.</summary>
    private async Task<RunResult> RunAsync(Dictionary<string, string> settings, Func<Task<bool>>? whileRunning = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(WorkerAssembly);
        foreach (var inherited in new[] { "Urls", "URLS", "ASPNETCORE_URLS", "DOTNET_ENVIRONMENT" })
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in LaunchProfile())
        {
            start.Environment[key] = value;
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["Storage__DataDirectory"] = _dataDirectory;
        start.Environment["Urls"] = $"http://127.0.0.1:{FreePorts.Next()}";
        start.Environment["Connect__PublicBaseUrl"] = start.Environment["Urls"] + "/";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Cancel);
        var errors = process.StandardError.ReadToEndAsync(Cancel);
        var served = false;
        if (whileRunning is not null)
        {
            served = await whileRunning();
            process.Kill(entireProcessTree: true);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"The worker neither started nor exited within 60 s:\n{await output}{await errors}");
        }

        return new RunResult(process.ExitCode, served, await output, await errors);
    }

    private static string WorkerAssembly
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var assembly = Path.Combine(RepositoryRoot.Path, "src", "TokenWorkers", "bin", testOutput.Parent!.Name, testOutput.Name, "TokenWorkers.dll");
            return File.Exists(assembly) ? assembly : throw new InvalidOperationException($"Build TokenWorkers first: {assembly} is missing");
        }
    }

    private sealed record RunResult(int ExitCode, bool Served, string Output, string Errors)
    {
        public override string ToString() => $"exit code {ExitCode}, served {Served}:\n{Output}{Errors}";
    }
}
