using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace TokenWorkers.Chaos;

/// <summary>
/// The harness's own binary started again in a role (<c>subscriber</c>, <c>sender</c>): another service of the estate in
/// its own process, with its own connection to the broker, which the harness can kill like a worker.
/// </summary>
internal sealed class RoleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    private RoleProcess(Process process) => _process = process;

    public int Id => _process.Id;

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

    /// <summary>Starts the role and waits for its <c>ready</c> line (its bus is up and its queue bound).</summary>
    public static async Task<RoleProcess> StartAsync(string role, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("The harness cannot find its own executable.");
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            // Run as `dotnet TokenWorkers.Chaos.dll`: start the assembly the same way.
            start.ArgumentList.Add(typeof(RoleProcess).Assembly.Location);
        }

        start.ArgumentList.Add(role);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the {role} process.");
        var started = new RoleProcess(process);
        process.OutputDataReceived += (_, line) => started.Append(line.Data, toReader: true);
        process.ErrorDataReceived += (_, line) => started.Append(line.Data, toReader: false);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (await started.ReadLineAsync(timeout.Token) != "ready")
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException && !cancellationToken.IsCancellationRequested)
        {
            started.KillAbruptly();
            throw new InvalidOperationException($"The {role} process was not ready within 60 s:\n{started.Output}");
        }

        return started;
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The next line on its standard output; a closed channel means the process ended.</summary>
    public async Task<string> ReadLineAsync(CancellationToken cancellationToken) => await _lines.Reader.ReadAsync(cancellationToken);

    public void KillAbruptly()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit();
        }
    }

    private void Append(string? line, bool toReader)
    {
        if (line is null)
        {
            if (toReader)
            {
                _lines.Writer.TryComplete();
            }

            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (toReader)
        {
            _lines.Writer.TryWrite(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Closing stdin asks the role to stop; a role that does not is killed.
            _process.StandardInput.Close();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                KillAbruptly();
            }
        }

        _process.Dispose();
    }
}
