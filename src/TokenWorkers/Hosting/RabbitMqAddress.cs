namespace TokenWorkers.Hosting;

/// <summary>
/// Where and how the worker connects, resolved from <see cref="RabbitMqOptions"/>: an <c>amqp://</c>/<c>amqps://</c>
/// <see cref="RabbitMqOptions.Uri"/> wins over the separate settings, several <see cref="RabbitMqOptions.Hosts"/> make a
/// cluster, and port 5671 means TLS. A class, not a record, so the password never shows in a printed value.
/// </summary>
public sealed class RabbitMqAddress
{
    public const int AmqpPort = 5672;
    public const int AmqpsPort = 5671;

    private RabbitMqAddress(string host, int port, string virtualHost, string username, string password, bool useTls, IReadOnlyList<string> clusterNodes)
    {
        Host = host;
        Port = port;
        VirtualHost = virtualHost;
        Username = username;
        Password = password;
        UseTls = useTls;
        ClusterNodes = clusterNodes;
    }

    /// <summary>The host MassTransit names the bus after; with cluster nodes, the first of them.</summary>
    public string Host { get; }

    /// <summary>The port of every node that does not name its own.</summary>
    public int Port { get; }

    public string VirtualHost { get; }

    public string Username { get; }

    public string Password { get; }

    public bool UseTls { get; }

    /// <summary>Nodes tried in turn (<c>host</c> or <c>host:port</c>); empty for a single broker.</summary>
    public IReadOnlyList<string> ClusterNodes { get; }

    /// <summary>The address <paramref name="options"/> describe; assumes they passed <see cref="TransportOptionsValidator"/>.</summary>
    public static RabbitMqAddress From(RabbitMqOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var nodes = options.Hosts.Where(h => !string.IsNullOrWhiteSpace(h)).Select(h => h.Trim()).ToList();
        if (string.IsNullOrWhiteSpace(options.Uri))
        {
            var host = nodes.Count > 0 ? NodeHost(nodes[0]) : options.Host;
            return new RabbitMqAddress(host, options.Port, options.VirtualHost, options.Username, options.ResolvePassword(),
                options.UseTls || options.Port == AmqpsPort, nodes);
        }

        var uri = new Uri(options.Uri);
        var tls = options.UseTls || IsAmqps(uri);
        var port = uri.Port > 0 ? uri.Port : tls ? AmqpsPort : AmqpPort;
        // amqp://host and amqp://host/ both mean the default virtual host; "/" itself is written %2F.
        var path = uri.AbsolutePath.TrimStart('/');
        var virtualHost = path.Length == 0 ? "/" : Uri.UnescapeDataString(path);
        var credentials = uri.UserInfo.Split(':', 2);
        var username = credentials[0].Length > 0 ? Uri.UnescapeDataString(credentials[0]) : options.Username;
        var password = credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : options.ResolvePassword();
        return new RabbitMqAddress(nodes.Count > 0 ? NodeHost(nodes[0]) : uri.Host, port, virtualHost, username, password, tls || port == AmqpsPort, nodes);
    }

    /// <summary>True for a URI this setting accepts: <c>amqp://</c> or <c>amqps://</c> with a host.</summary>
    public static bool IsValidUri(string value) =>
        System.Uri.TryCreate(value, UriKind.Absolute, out var uri) && (IsAmqps(uri) || uri.Scheme == "amqp") && uri.Host.Length > 0;

    /// <summary>True for <c>host</c> or <c>host:port</c> with a port from 1 to 65535.</summary>
    public static bool IsValidNode(string node) =>
        !string.IsNullOrWhiteSpace(node) && System.Uri.TryCreate($"amqp://{node.Trim()}", UriKind.Absolute, out var uri)
        && uri.Host.Length > 0 && uri.AbsolutePath == "/" && uri.UserInfo.Length == 0 && uri.Port is -1 or (>= 1 and <= 65535);

    private static bool IsAmqps(Uri uri) => uri.Scheme == "amqps";

    private static string NodeHost(string node) => new Uri($"amqp://{node}").Host;
}
