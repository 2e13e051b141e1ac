using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using TokenWorkers.Tests.RabbitMq;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// <c>healthcheck [url]</c>, the images' health probe (they ship no curl): the built binaries run as the container runs
/// them, against a running worker and sandbox, a port nothing listens on, a server that never answers and one that fails.
/// </summary>
public sealed class HealthCheckCommandTests(HealthCheckCommandTests.RunningServers servers) : IClassFixture<HealthCheckCommandTests.RunningServers>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_worker_probe_finds_the_port_in_Urls_as_the_image_sets_it_and_exits_0_on_a_ready_worker()
    {
        // No LinkedIn settings and a bad one: the probe must answer without building the host or validating anything.
        var result = await ProbeAsync(Binary.Worker, [], new() { ["Urls"] = $"http://0.0.0.0:{servers.Worker.BaseAddress.Port}", ["Refresh__ScanBatchSize"] = "0" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"healthy: http://127.0.0.1:{servers.Worker.BaseAddress.Port}/health/ready answered 200", result.SingleLine);
    }

    [Fact]
    public async Task The_worker_probe_takes_the_first_http_address_of_several()
    {
        var result = await ProbeAsync(Binary.Worker, [], new() { ["Urls"] = $"https://127.0.0.1:{FreePorts.Next()};http://+:{servers.Worker.BaseAddress.Port}" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"healthy: http://127.0.0.1:{servers.Worker.BaseAddress.Port}/health/ready answered 200", result.SingleLine);
    }

    [Fact]
    public async Task The_worker_probe_reads_the_address_in_the_hosts_order_where_appsettings_Urls_outranks_ASPNETCORE_URLS()
    {
        // The worker itself listens on appsettings.json's http://127.0.0.1:5070 when only ASPNETCORE_URLS is set; so does the probe ask.
        var result = await ProbeAsync(Binary.Worker, [], new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{servers.Worker.BaseAddress.Port}" });

        Assert.StartsWith("http://127.0.0.1:5070/health/ready ", result.SingleLine[(result.SingleLine.IndexOf(' ', StringComparison.Ordinal) + 1)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_explicit_url_is_probed_instead_of_the_configured_port()
    {
        var result = await ProbeAsync(Binary.Worker, [new Uri(servers.Worker.BaseAddress, "health/live").ToString()], new() { ["Urls"] = $"http://127.0.0.1:{FreePorts.Next()}" });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.EndsWith("/health/live answered 200", result.SingleLine, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_nothing_listens_on_exits_1_at_once()
    {
        var port = FreePorts.Next();

        var result = await ProbeAsync(Binary.Worker, [], new() { ["Urls"] = $"http://0.0.0.0:{port}" });

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"unhealthy: http://127.0.0.1:{port}/health/ready did not answer (ConnectionRefused)", result.SingleLine);
    }

    [Fact]
    public async Task A_server_that_accepts_and_never_answers_exits_1_after_the_probe_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;

        var result = await ProbeAsync(Binary.Worker, [$"http://127.0.0.1:{port}/health/ready"], []);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"unhealthy: http://127.0.0.1:{port}/health/ready did not answer within 3 s", result.SingleLine);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(15), $"the probe took {result.Elapsed}");
    }

    [Fact]
    public async Task A_failing_answer_exits_1_with_its_status()
    {
        using var failing = new TcpListener(IPAddress.Loopback, 0);
        failing.Start();
        var port = ((IPEndPoint)failing.LocalEndpoint).Port;
        var serving = AnswerOnceAsync(failing, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

        var result = await ProbeAsync(Binary.Worker, [$"http://127.0.0.1:{port}/health/ready"], []);
        await serving;

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal($"unhealthy: http://127.0.0.1:{port}/health/ready answered 503", result.SingleLine);
    }

    [Fact]
    public async Task The_sandbox_probe_asks_its_clock_and_exits_0_when_it_serves_and_1_when_nothing_listens()
    {
        var up = await ProbeAsync(Binary.Sandbox, [], new() { ["Urls"] = $"http://0.0.0.0:{servers.SandboxPort}" });
        var down = await ProbeAsync(Binary.Sandbox, [], new() { ["Urls"] = $"http://0.0.0.0:{FreePorts.Next()}" });

        Assert.True(up.ExitCode == 0, up.ToString());
        Assert.Equal($"healthy: http://127.0.0.1:{servers.SandboxPort}/_sandbox/clock answered 200", up.SingleLine);
        Assert.True(down.ExitCode == 1, down.ToString());
        Assert.StartsWith("unhealthy:", down.SingleLine, StringComparison.Ordinal);
    }

    private static async Task AnswerOnceAsync(TcpListener listener, string response)
    {
        using var client = await listener.AcceptTcpClientAsync(Cancel);
        var stream = client.GetStream();
        var buffer = new byte[4096];
        _ = await stream.ReadAsync(buffer, Cancel);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), Cancel);
    }

    private static async Task<ProbeResult> ProbeAsync(string binary, string[] arguments, Dictionary<string, string> environment)
    {
        var start = StartInfo(binary, ["healthcheck", .. arguments]);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Cancel);
        var errors = process.StandardError.ReadToEndAsync(Cancel);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A probe that started serving instead of answering must not outlive the test.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"The probe did not finish within 60 s:\n{await output}{await errors}");
        }

        return new ProbeResult(process.ExitCode, await output, await errors, stopwatch.Elapsed);
    }

    private static ProcessStartInfo StartInfo(string binary, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(binary)!,
        };
        start.ArgumentList.Add(binary);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only what a test sets: an address inherited from the runner's environment would decide the port instead.
        foreach (var inherited in new[] { "Urls", "URLS", "ASPNETCORE_URLS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return start;
    }

    private sealed record ProbeResult(int ExitCode, string Output, string Errors, TimeSpan Elapsed)
    {
        public string SingleLine => Assert.Single(Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        public override string ToString() => $"exit code {ExitCode}:\n{Output}{Errors}";
    }

    /// <summary>The built binaries of this test run's configuration (Debug or Release).</summary>
    private static class Binary
    {
        public static string Worker => Path("TokenWorkers");

        public static string Sandbox => Path("TokenWorkers.Sandbox");

        private static string Path(string project)
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
            var assembly = System.IO.Path.Combine(RepositoryRoot.Path, "src", project, "bin", testOutput.Parent!.Name, testOutput.Name, project + ".dll");
            return File.Exists(assembly) ? assembly : throw new InvalidOperationException($"Build {project} first: {assembly} is missing");
        }
    }

    /// <summary>One worker and one sandbox process, started once for the class: starting them is most of the cost.</summary>
    public sealed class RunningServers : IAsyncLifetime
    {
        private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-probe-").FullName;
        private Process? _sandbox;

        public WorkerProcess Worker { get; private set; } = null!;

        public int SandboxPort { get; } = FreePorts.Next();

        public async ValueTask InitializeAsync()
        {
            var start = StartInfo(Binary.Sandbox, ["--urls", $"http://127.0.0.1:{SandboxPort}"]);
            _sandbox = Process.Start(start)!;
            _sandbox.OutputDataReceived += (_, _) => { };
            _sandbox.ErrorDataReceived += (_, _) => { };
            _sandbox.BeginOutputReadLine();
            _sandbox.BeginErrorReadLine();
            Worker = await WorkerProcess.StartAsync(new Dictionary<string, string?>
            {
                ["LinkedIn:OAuthBaseUrl"] = $"http://127.0.0.1:{SandboxPort}/",
                ["LinkedIn:ApiBaseUrl"] = $"http://127.0.0.1:{SandboxPort}/",
                ["LinkedIn:ClientId"] = "tokenworkers-demo",
                ["LinkedIn:ClientSecret"] = "sandbox-demo-secret-NOT-A-REAL-SECRET",
                ["Storage:DataDirectory"] = _dataDirectory,
                ["Encryption:ActiveKeyId"] = "probe-1",
                ["Encryption:Keys:probe-1"] = Convert.ToBase64String(new byte[32]),
            }, TestContext.Current.CancellationToken);
            await WaitForSandboxAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (Worker is not null)
            {
                await Worker.DisposeAsync();
            }

            if (_sandbox is { HasExited: false })
            {
                _sandbox.Kill();
                await _sandbox.WaitForExitAsync(CancellationToken.None);
            }

            _sandbox?.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dataDirectory, recursive: true);
        }

        private async Task WaitForSandboxAsync()
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            for (var attempt = 0; attempt < 300; attempt++)
            {
                if (_sandbox!.HasExited)
                {
                    throw new InvalidOperationException($"The sandbox process exited with {_sandbox.ExitCode}");
                }

                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{SandboxPort}/_sandbox/clock"), TestContext.Current.CancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(200, TestContext.Current.CancellationToken);
            }

            throw new TimeoutException("The sandbox process was not serving within 60 s");
        }
    }
}
