using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// A real RabbitMQ broker for the tests that claim RabbitMQ behaviour: <c>RABBITMQ_URL</c> when set
/// (amqp://user:password@host:port), otherwise a private node of Debian's rabbitmq-server started on free
/// ports with its own node name and data directory, stopped and removed at the end of the run.
/// Each test gets its own virtual host, so tests cannot consume each other's messages.
/// With <c>TOKENWORKERS_REQUIRE_RABBITMQ=1</c> (set by CI) a missing broker fails instead of skipping.
/// </summary>
public sealed partial class RabbitMqBroker : IAsyncDisposable
{
    public const string NoBrokerReason =
        "No RabbitMQ broker: set RABBITMQ_URL or install rabbitmq-server (apt-get install -y rabbitmq-server)";

    private const string ServerBinary = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string ControlBinary = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Task<RabbitMqBroker?>? _instance;

    private readonly string? _dataDirectory;
    private readonly Dictionary<string, string> _environment;

    private RabbitMqBroker(string host, int port, string username, string password, string? dataDirectory, Dictionary<string, string> environment)
    {
        Host = host;
        Port = port;
        Username = username;
        Password = password;
        _dataDirectory = dataDirectory;
        _environment = environment;
    }

    public string Host { get; }

    public int Port { get; }

    public string Username { get; }

    public string Password { get; }

    private string? NodeName => _environment.GetValueOrDefault("RABBITMQ_NODENAME");

    /// <summary>A fresh virtual host for one test, deleted by <see cref="DeleteVirtualHostAsync"/>.</summary>
    public async Task<string> CreateVirtualHostAsync()
    {
        var name = $"tw-{Guid.NewGuid():N}";
        if (NodeName is null)
        {
            // An external broker: tests share its default virtual host and rely on unique names.
            return "/";
        }

        await ControlAsync("add_vhost", name);
        await ControlAsync("set_permissions", "-p", name, Username, ".*", ".*", ".*");
        return name;
    }

    public async Task DeleteVirtualHostAsync(string virtualHost)
    {
        if (NodeName is not null && virtualHost != "/")
        {
            await ControlAsync("delete_vhost", virtualHost);
        }
    }

    /// <summary>Stops the broker application (every connection drops, the port closes), waits, and starts it again.</summary>
    public async Task RestartAsync(TimeSpan downtime)
    {
        await ControlAsync("stop_app");
        await Task.Delay(downtime);
        await ControlAsync("start_app");
        await ControlAsync("await_startup");
    }

    public ValueTask DisposeAsync()
    {
        // Only the owner of a dedicated node disposes it; the shared node stops when the run ends.
        if (NodeName is not null)
        {
            Stop();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The broker at RABBITMQ_URL, else a private node of the local rabbitmq-server, else null.</summary>
    public static Task<RabbitMqBroker?> SharedAsync() => _instance ??= StartAsync();

    private static async Task<RabbitMqBroker?> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("RABBITMQ_URL") is { Length: > 0 } url)
        {
            var uri = new Uri(url);
            var credentials = uri.UserInfo.Split(':', 2);
            return new RabbitMqBroker(uri.Host, uri.Port > 0 ? uri.Port : 5672,
                credentials.Length > 0 && credentials[0].Length > 0 ? Uri.UnescapeDataString(credentials[0]) : "guest",
                credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : "guest", null, []);
        }

        if (!File.Exists(ServerBinary))
        {
            return null;
        }

        return await StartNodeAsync();
    }

    /// <summary>True where a private node can be started (Debian's rabbitmq-server is installed).</summary>
    public static bool CanStartNode => File.Exists(ServerBinary);

    /// <summary>A private node of the local rabbitmq-server on free ports, stopped and removed by <see cref="DisposeAsync"/> or at exit.</summary>
    /// <param name="configuration">More lines for the node's rabbitmq.conf.</param>
    public static async Task<RabbitMqBroker> StartNodeAsync(params string[] configuration)
    {
        await Gate.WaitAsync();
        try
        {
            var port = FreePort();
            var directory = Directory.CreateTempSubdirectory("tokenworkers-rabbitmq-").FullName;
            await File.WriteAllTextAsync(Path.Combine(directory, "rabbitmq.conf"),
                $"listeners.tcp.default = 127.0.0.1:{port}\nloopback_users = none\n" + string.Concat(configuration.Select(line => line + "\n")));
            await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].\n");
            var environment = new Dictionary<string, string>
            {
                ["RABBITMQ_NODENAME"] = $"tokenworkers{port}@localhost",
                ["RABBITMQ_NODE_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["RABBITMQ_DIST_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
                ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
                ["RABBITMQ_PID_FILE"] = Path.Combine(directory, "rabbitmq.pid"),
                ["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq.conf"),
                ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins"),
                ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            };
            var broker = new RabbitMqBroker("127.0.0.1", port, "guest", "guest", directory, environment);
            await broker.RunAsync(ServerBinary, "-detached");
            await broker.ControlAsync("wait", "--timeout", "120", environment["RABBITMQ_PID_FILE"]);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => broker.Stop();
            return broker;
        }
        finally
        {
            Gate.Release();
        }
    }

    private void Stop()
    {
        try
        {
            ControlAsync("shutdown").Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // The run is ending; a node that refuses to stop dies with its data directory below.
        }

        if (_dataDirectory is not null && Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    /// <summary>The queues of a virtual host with their ready and unacknowledged counts, as rabbitmqctl prints them.</summary>
    public Task<string> ListQueuesAsync(string virtualHost) =>
        NodeName is null ? Task.FromResult("(external broker)") : ControlAsync("list_queues", "-p", virtualHost, "name", "messages_ready", "messages_unacknowledged");

    /// <summary>True for a node started here, which <see cref="ControlAsync"/> can reach; false for the broker at RABBITMQ_URL.</summary>
    public bool IsLocalNode => NodeName is not null;

    /// <summary>Runs rabbitmqctl against this node (about a second each: it boots an Erlang VM) and returns what it printed.</summary>
    public Task<string> ControlAsync(params string[] arguments) =>
        NodeName is null
            ? throw new InvalidOperationException("rabbitmqctl reaches only a node started here, not the broker at RABBITMQ_URL")
            : RunAsync(ControlBinary, ["-n", NodeName, "-q", .. arguments]);

    private async Task<string> RunAsync(string binary, params string[] arguments)
    {
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {binary}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(binary)} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output} {await error}");
        }

        return await output;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
