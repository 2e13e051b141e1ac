using System.Net.Sockets;

namespace TokenWorkers.Hosting;

/// <summary>
/// What <c>dotnet run --project src/TokenWorkers</c> (Properties/launchSettings.json: the Development environment)
/// needs on the developer's machine: the LinkedIn sandbox and, with <c>Transport:Kind=RabbitMq</c>, a broker. In
/// Development only, before the host starts, each is asked for a TCP connection; when one refuses, one screen says what
/// is missing and which make target starts it, and the process exits with <see cref="MissingExitCode"/>. Without this
/// the worker starts and every call fails later, one log line at a time, far from the cause.
/// </summary>
public static class DeveloperStart
{
    /// <summary>The exit code when something the development settings point at does not answer (2 is an invalid setting).</summary>
    public const int MissingExitCode = 3;

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Null when the worker may start (not Development, or everything answers); otherwise the exit code, after printing what is missing.</summary>
    public static async Task<int?> CheckAsync(IConfiguration configuration, IHostEnvironment environment, IReadOnlyList<string> args, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        // A one-off command (reencrypt) needs the store only.
        if (!environment.IsDevelopment() || (args.Count > 0 && string.Equals(args[0], WorkerCommands.Reencrypt, StringComparison.OrdinalIgnoreCase)))
        {
            return null;
        }

        var missing = new List<string>();
        foreach (var (setting, url) in LinkedInAddresses(configuration))
        {
            if (!await AnswersAsync(url.Host, url.Port))
            {
                missing.Add($"  - the LinkedIn sandbox at {url} ({setting}) does not answer.");
                missing.Add("      Start it in another terminal:  make sandbox");
            }
        }

        if (TransportKinds.Is(configuration["Transport:Kind"] ?? TransportKinds.InMemory, TransportKinds.RabbitMq))
        {
            var nodes = BrokerNodes(configuration);
            var answering = false;
            foreach (var (host, port) in nodes)
            {
                answering |= await AnswersAsync(host, port);
            }

            if (!answering)
            {
                missing.Add($"  - RabbitMQ at {string.Join(", ", nodes.Select(node => $"{node.Host}:{node.Port}"))} (Transport:RabbitMq) does not answer.");
                missing.Add("      Start it (Debian: sudo service rabbitmq-server start), or use the in-memory bus: Transport__Kind=InMemory");
            }
        }

        if (missing.Count == 0)
        {
            return null;
        }

        await output.WriteLineAsync("TokenWorkers (Development) cannot start: what its development settings point at is not running.");
        foreach (var line in missing)
        {
            await output.WriteLineAsync(line);
        }

        await output.WriteLineAsync("Or start everything at once, the sandbox and the worker with a seeded demo:  make run");
        await output.WriteLineAsync("Settings: src/TokenWorkers/appsettings.Development.json, Properties/launchSettings.json (docs/getting-started.md).");
        return MissingExitCode;
    }

    private static IEnumerable<(string Setting, Uri Url)> LinkedInAddresses(IConfiguration configuration)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var setting in new[] { "LinkedIn:OAuthBaseUrl", "LinkedIn:ApiBaseUrl" })
        {
            if (Uri.TryCreate(configuration[setting], UriKind.Absolute, out var url) && seen.Add(url.Authority))
            {
                yield return (setting, url);
            }
        }
    }

    private static List<(string Host, int Port)> BrokerNodes(IConfiguration configuration)
    {
        var section = configuration.GetSection("Transport:RabbitMq");
        var tls = bool.TryParse(section["UseTls"], out var useTls) && useTls;
        var port = int.TryParse(section["Port"], out var configured) ? configured : tls ? RabbitMqAddress.AmqpsPort : RabbitMqAddress.AmqpPort;
        var nodes = section.GetSection("Hosts").GetChildren().Select(child => child.Value).OfType<string>()
            .Where(RabbitMqAddress.IsValidNode)
            .Select(node => new Uri($"amqp://{node.Trim()}"))
            .Select(node => (node.Host, node.IsDefaultPort || node.Port < 0 ? port : node.Port))
            .ToList();
        if (nodes.Count > 0)
        {
            return nodes;
        }

        if (section["Uri"] is { } uri && RabbitMqAddress.IsValidUri(uri))
        {
            var parsed = new Uri(uri);
            var defaultPort = parsed.Scheme == "amqps" ? RabbitMqAddress.AmqpsPort : RabbitMqAddress.AmqpPort;
            return [(parsed.Host, parsed.Port > 0 ? parsed.Port : defaultPort)];
        }

        return [(section["Host"] ?? "localhost", port)];
    }

    private static async Task<bool> AnswersAsync(string host, int port)
    {
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
