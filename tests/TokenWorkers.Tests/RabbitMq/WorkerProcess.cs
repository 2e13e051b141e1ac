using System.Diagnostics;
using System.Net;
using System.Text;

using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// The worker as a separate operating-system process (the built <c>TokenWorkers.dll</c> under <c>dotnet</c>), so a
/// test can kill it the way a node dies: SIGKILL, no shutdown hooks, leases left behind.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>What the process wrote, for a failure message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the worker with <paramref name="settings"/> as environment variables and waits until it is ready.</summary>
    public static async Task<WorkerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var worker = Launch(settings);
        await worker.WaitUntilReadyAsync(cancellationToken);
        return worker;
    }

    /// <summary>Starts the worker and waits for it to exit by itself (within <paramref name="limit"/>): its exit code and everything it wrote.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        IReadOnlyDictionary<string, string?> settings, TimeSpan limit, CancellationToken cancellationToken)
    {
        await using var worker = Launch(settings);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await worker._process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The worker process was still running after {limit}:\n{worker.Output}");
        }

        // The exit can be seen before the last redirected lines are; this waits for the end of both streams.
        await worker._process.WaitForExitAsync(cancellationToken);
        return (worker._process.ExitCode, worker.Output);
    }

    private static WorkerProcess Launch(IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(WorkerAssembly)!,
        };
        start.ArgumentList.Add(WorkerAssembly);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        start.Environment["Urls"] = $"http://127.0.0.1:{port}";
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the worker process");
        var worker = new WorkerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, line) => worker.Append(line.Data);
        process.ErrorDataReceived += (_, line) => worker.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>SIGKILL: the process gets no chance to release a lease, acknowledge a message or flush anything.</summary>
    public void KillAbruptly()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The worker process exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow start on a busy machine.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The worker process was not ready within 90 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>The worker's own build output for the configuration these tests were built in (Debug or Release).</summary>
    private static string WorkerAssembly
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var framework = testOutput.Name;
            var configuration = testOutput.Parent!.Name;
            var assembly = Path.Combine(RepositoryRoot.Path, "src", "TokenWorkers", "bin", configuration, framework, "TokenWorkers.dll");
            return File.Exists(assembly) ? assembly : throw new InvalidOperationException($"Build the worker first: {assembly} is missing");
        }
    }
}

/// <summary>Worker processes started together (start-up is mostly waiting, so in parallel) and disposed together.</summary>
public sealed class WorkerProcesses : IAsyncDisposable
{
    private readonly WorkerProcess[] _processes;

    private WorkerProcesses(WorkerProcess[] processes) => _processes = processes;

    public IReadOnlyList<WorkerProcess> All => _processes;

    public WorkerProcess this[int index] => _processes[index];

    /// <summary>One process per entry of <paramref name="settings"/>; if one fails to start, the others are stopped.</summary>
    public static async Task<WorkerProcesses> StartAsync(IEnumerable<IReadOnlyDictionary<string, string?>> settings, CancellationToken cancellationToken)
    {
        var starting = settings.Select(s => WorkerProcess.StartAsync(s, cancellationToken)).ToArray();
        try
        {
            return new WorkerProcesses(await Task.WhenAll(starting));
        }
        catch
        {
            foreach (var started in starting.Where(t => t.IsCompletedSuccessfully))
            {
                await started.Result.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }
}
