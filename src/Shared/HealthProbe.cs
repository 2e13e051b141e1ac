using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace TokenWorkers.Hosting;

/// <summary>
/// <c>healthcheck [url]</c>: the container's health probe, run by the image's own binary so the runtime image needs no
/// curl. It asks the running process's health endpoint once, prints one line and exits 0 on a 2xx answer, 1 otherwise.
/// It runs before any host is built: no service, no option validation, nothing but one HTTP call.
/// </summary>
/// <remarks>
/// Shared as a source file by the worker and the sandbox (each image carries one binary); each passes its own
/// endpoint and default port.
/// </remarks>
internal static partial class HealthProbe
{
    public const string Command = "healthcheck";

    /// <summary>A container health check that hangs is worse than one that fails; Docker's own timeout is a few seconds more.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static bool IsRequested(IReadOnlyList<string> args) =>
        args.Count > 0 && string.Equals(args[0], Command, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Probes <paramref name="args"/>[1] when given, else <paramref name="path"/> on the port the process listens on:
    /// the first http address of <c>Urls</c>, read in the host's order (the <c>Urls</c> environment variable, then
    /// appsettings.json, then <c>ASPNETCORE_URLS</c>), else <paramref name="defaultPort"/>; wildcards become the loopback address.
    /// </summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, string path, int defaultPort)
    {
        ArgumentNullException.ThrowIfNull(args);
        Uri? target;
        if (args.Count > 1)
        {
            if (!Uri.TryCreate(args[1], UriKind.Absolute, out target) || target.Scheme is not ("http" or "https"))
            {
                await Console.Out.WriteLineAsync($"unhealthy: '{args[1]}' is not an http or https URL");
                return 1;
            }
        }
        else
        {
            target = new Uri(LocalBase(ListeningUrls(), defaultPort), path);
        }

        var (healthy, line) = await ProbeAsync(target);
        await Console.Out.WriteLineAsync(line);
        return healthy ? 0 : 1;
    }

    /// <summary>The loopback base address for the first http address in <paramref name="urls"/> (<c>;</c>-separated, as the host reads them).</summary>
    internal static Uri LocalBase(string? urls, int defaultPort)
    {
        foreach (var url in (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = ListenAddress().Match(url);
            if (match.Success && match.Groups["scheme"].Value.Equals("http", StringComparison.OrdinalIgnoreCase))
            {
                // Kestrel listens on every address for a wildcard (+, *, 0.0.0.0, [::]) or a host name, and on the
                // loopback one for localhost: the loopback address reaches all of these; an IP address is used as it is.
                var host = match.Groups["host"].Value;
                host = IPAddress.TryParse(host, out var address) && !address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any)
                    ? host
                    : "127.0.0.1";
                var port = match.Groups["port"].Success ? int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture) : 80;
                return new Uri($"http://{host}:{port}/");
            }
        }

        return new Uri($"http://127.0.0.1:{defaultPort}/");
    }

    /// <summary>The listen addresses the host would read, without building it (and without what it would validate).</summary>
    private static string? ListeningUrls()
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables("ASPNETCORE_")
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        return configuration["urls"];
    }

    private static async Task<(bool Healthy, string Line)> ProbeAsync(Uri target)
    {
        // No proxy: the probe asks this very container, whatever HTTP_PROXY its environment sets for outbound calls.
        using var handler = new SocketsHttpHandler { UseProxy = false };
        using var http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            using var response = await http.GetAsync(target, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return status is >= 200 and < 300
                ? (true, $"healthy: {target} answered {status}")
                : (false, $"unhealthy: {target} answered {status}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (false, $"unhealthy: {target} did not answer within {Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.InnerException is SocketException socket ? socket.SocketErrorCode.ToString() : ex.HttpRequestError.ToString();
            return (false, $"unhealthy: {target} did not answer ({reason})");
        }
    }

    [GeneratedRegex(@"^(?<scheme>[A-Za-z]+)://(?<host>\[[^\]]*\]|[^:/]*)(?::(?<port>\d{1,5}))?", RegexOptions.CultureInvariant)]
    private static partial Regex ListenAddress();
}
