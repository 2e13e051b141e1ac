using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Chaos;

/// <summary>
/// The LinkedIn sandbox as its own process (the built TokenWorkers.Sandbox.dll), settings as environment variables. It
/// listens on one port for the harness and one per worker slot, so the <c>host</c> of each recorded request says which
/// slot made it: a kill can then be matched with the calls that slot had in flight.
/// </summary>
internal sealed class SandboxProcess : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http;

    private SandboxProcess(Process process, Uri control, IReadOnlyList<Uri> slots)
    {
        _process = process;
        Control = control;
        Slots = slots;
        _http = new HttpClient { BaseAddress = control, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Control { get; }

    /// <summary>The address each worker slot is given as LinkedIn's.</summary>
    public IReadOnlyList<Uri> Slots { get; }

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

    public static async Task<SandboxProcess> StartAsync(int slots, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        var control = new Uri($"http://127.0.0.1:{FreePorts.Next()}/");
        var slotUris = Enumerable.Range(0, slots).Select(_ => new Uri($"http://127.0.0.1:{FreePorts.Next()}/")).ToArray();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Assembly);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(string.Join(';', slotUris.Prepend(control).Select(u => u.ToString().TrimEnd('/'))));
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in settings)
        {
            start.Environment[$"Sandbox__{key.Replace(":", "__", StringComparison.Ordinal)}"] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the sandbox process");
        var sandbox = new SandboxProcess(process, control, slotUris);
        process.OutputDataReceived += (_, line) => sandbox.Append(line.Data);
        process.ErrorDataReceived += (_, line) => sandbox.Append(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await sandbox.WaitUntilReadyAsync(cancellationToken);
        return sandbox;
    }

    public Task<JsonElement> PostAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, path, body, cancellationToken);

    public Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null, cancellationToken);

    public Task<JsonElement> PutAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, path, body, cancellationToken);

    public Task<JsonElement> DeleteAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, path, null, cancellationToken);

    /// <summary>A grant seeded as if the member consented now: the token response as LinkedIn's body text, and its id.</summary>
    public async Task<(string Body, string GrantId)> SeedGrantAsync(string clientId, string memberSub, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(new Uri("_sandbox/grants", UriKind.Relative),
            new { clientId, memberSub, scope = "openid profile w_member_social" }, Json, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(body);
        return (body, document.RootElement.GetProperty("grant_id").GetString()!);
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Sandbox {method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The sandbox exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await _http.GetAsync(new Uri("_sandbox/clock", UriKind.Relative), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The sandbox was not ready within 60 s:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>The sandbox's build output in the configuration the harness was built in.</summary>
    private static string Assembly
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(RepositoryRoot.Path, "src", "TokenWorkers.Sandbox", "bin", output.Parent!.Name, output.Name,
                "TokenWorkers.Sandbox.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first (make build).", path);
        }
    }
}
