using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MongoDB.Bson;
using MongoDB.Driver;

[assembly: AssemblyFixture(typeof(TokenWorkers.Tests.Storage.Mongo.MongoServerLifetime))]

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>
/// The MongoDB server the tests of this process use, found once, on first need, in this order:
/// <c>MONGODB_URI</c>; a <c>mongod</c> on PATH, started on a free port with a temporary data directory;
/// a reachable Docker engine, running a throw-away container (image <c>MONGODB_TEST_IMAGE</c>, default
/// <c>mongo:7</c>). None of them: null, and the tests that need a server skip with the reason.
/// A server that is found but cannot be started fails the tests: a broken setup is not a skip.
/// </summary>
internal sealed class MongoServer
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Task<MongoServer?>? _shared;

    private readonly Func<Task>? _stop;

    private MongoServer(string connectionString, string source, Func<Task>? stop)
    {
        ConnectionString = connectionString;
        Source = source;
        _stop = stop;
    }

    public string ConnectionString { get; }

    /// <summary>Where the server came from, for messages: MONGODB_URI, mongod on PATH, Docker.</summary>
    public string Source { get; }

    public static async Task<MongoServer?> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            _shared ??= FindAsync();
        }
        finally
        {
            Gate.Release();
        }

        return await _shared;
    }

    /// <summary>Stops what this process started (never a server named by MONGODB_URI).</summary>
    public static async Task StopIfStartedAsync()
    {
        if (_shared is { IsCompletedSuccessfully: true, Result: { _stop: { } stop } })
        {
            await stop();
        }
    }

    private static async Task<MongoServer?> FindAsync()
    {
        if (Environment.GetEnvironmentVariable("MONGODB_URI") is { Length: > 0 } uri)
        {
            return new MongoServer(uri, "MONGODB_URI", stop: null);
        }

        if (FindOnPath("mongod") is { } mongod)
        {
            return await StartMongodAsync(mongod);
        }

        if (FindOnPath("docker") is { } docker && (await RunAsync(docker, ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(15))).ExitCode == 0)
        {
            return await StartContainerAsync(docker);
        }

        return null;
    }

    private static async Task<MongoServer> StartMongodAsync(string mongod)
    {
        var port = FreePort();
        var dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-mongod-").FullName;
        var start = new ProcessStartInfo(mongod)
        {
            ArgumentList =
            {
                "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--bind_ip", "127.0.0.1",
                "--dbpath", dataDirectory,
                "--logpath", Path.Combine(dataDirectory, "mongod.log"),
                "--nounixsocket",
            },
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{mongod} did not start.");

        // Drained so mongod never blocks on a full pipe; kept for the message if it does not come up.
        var console = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => Keep(console, e.Data);
        process.ErrorDataReceived += (_, e) => Keep(console, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var connectionString = $"mongodb://127.0.0.1:{port}/?directConnection=true";

        async Task Stop()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
            Directory.Delete(dataDirectory, recursive: true);
        }

        try
        {
            await WaitUntilAnswersAsync(connectionString, TimeSpan.FromSeconds(60), () => process.HasExited);
        }
        catch (Exception ex)
        {
            var log = Path.Combine(dataDirectory, "mongod.log");
            var tail = string.Join('\n', console.Concat(File.Exists(log) ? File.ReadLines(log).TakeLast(20) : []));
            await Stop();
            throw new InvalidOperationException($"mongod on PATH ({mongod}) did not become ready on port {port}:\n{tail}", ex);
        }

        return new MongoServer(connectionString, $"mongod on PATH ({mongod})", Stop);
    }

    private static async Task<MongoServer> StartContainerAsync(string docker)
    {
        var image = Environment.GetEnvironmentVariable("MONGODB_TEST_IMAGE") is { Length: > 0 } configured ? configured : "mongo:7";
        var name = $"tokenworkers-test-mongo-{Guid.NewGuid():N}"[..40];
        var run = await RunAsync(docker, ["run", "-d", "--rm", "--name", name, "-p", "127.0.0.1::27017", image], TimeSpan.FromMinutes(5));
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"Docker is reachable but `docker run {image}` failed: {run.Output}");
        }

        async Task Stop() => await RunAsync(docker, ["rm", "-f", name], TimeSpan.FromSeconds(30));

        try
        {
            var port = await RunAsync(docker, ["port", name, "27017/tcp"], TimeSpan.FromSeconds(15));
            var endpoint = port.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
            var connectionString = $"mongodb://{endpoint}/?directConnection=true";
            await WaitUntilAnswersAsync(connectionString, TimeSpan.FromSeconds(60), () => false);
            return new MongoServer(connectionString, $"Docker ({image})", Stop);
        }
        catch
        {
            await Stop();
            throw;
        }
    }

    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lines.Enqueue(line);
        while (lines.Count > 20)
        {
            lines.TryDequeue(out _);
        }
    }

    private static async Task WaitUntilAnswersAsync(string connectionString, TimeSpan patience, Func<bool> gaveUp)
    {
        var settings = MongoClientSettings.FromConnectionString(connectionString);
        settings.ServerSelectionTimeout = TimeSpan.FromSeconds(1);
        using var client = new MongoClient(settings);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await client.GetDatabase("admin").RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1));
                return;
            }
            catch (Exception ex) when (ex is TimeoutException or MongoException && deadline.Elapsed < patience && !gaveUp())
            {
                await Task.Delay(200);
            }
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var cancel = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var error = process.StandardError.ReadToEndAsync(cancel.Token);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
            return (process.ExitCode, (await output) + (await error));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"{program} {string.Join(' ', arguments)} did not finish within {timeout}");
        }
    }
}

/// <summary>
/// Stops the server this test process started, once every test has run. Finding and starting the server is
/// lazy (<see cref="MongoServer.GetAsync"/>), so a run that needs no MongoDB starts nothing.
/// </summary>
public sealed class MongoServerLifetime : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await MongoServer.StopIfStartedAsync();
}
