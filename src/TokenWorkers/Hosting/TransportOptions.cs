using System.ComponentModel.DataAnnotations;

namespace TokenWorkers.Hosting;

/// <summary>Which message transport the worker uses. In-memory is the embedded default; RabbitMQ is production.</summary>
public sealed class TransportOptions
{
    public const string SectionName = "Transport";

    /// <summary>The prefix of every queue the worker declares, when none is configured.</summary>
    public const string DefaultQueuePrefix = "tokenworkers";

    /// <summary><c>InMemory</c> (default: one process, nothing to install) or <c>RabbitMq</c>.</summary>
    [Required]
    public string Kind { get; set; } = TransportKinds.InMemory;

    /// <summary>
    /// Put before each of the worker's queue names with a dash (<c>tokenworkers-publish-post</c>, its <c>_error</c> queue, ...),
    /// so a shared broker shows whose queues they are. Lower-case letters and digits, in words joined by <c>-</c> or <c>.</c>;
    /// empty keeps the unprefixed names of earlier versions (<c>publish-post</c>) for an estate that cannot move yet.
    /// Message-type exchanges (<c>TokenWorkers.Contracts:TokenRefreshed</c>) never carry it: subscribers bind to those.
    /// </summary>
    public string? QueuePrefix { get; set; } = DefaultQueuePrefix;

    public RabbitMqOptions RabbitMq { get; set; } = new();
}

/// <summary>The RabbitMQ broker. Credentials come from the environment or a file, never from committed settings.</summary>
public sealed class RabbitMqOptions
{
    /// <summary>
    /// The whole broker address in one setting, <c>amqp://user:password@host:port/vhost</c> or <c>amqps://...</c> (TLS);
    /// when set, what it states wins over <see cref="Host"/>, <see cref="Port"/>, <see cref="VirtualHost"/>, <see cref="Username"/>,
    /// <see cref="Password"/> and <see cref="UseTls"/>. It may carry a password: set it from the environment.
    /// </summary>
    public string? Uri { get; set; }

    public string Host { get; set; } = "localhost";

    /// <summary>
    /// Several nodes of one cluster (<c>rabbit-1</c>, <c>rabbit-2:5673</c>), tried in turn when a connection is made or lost;
    /// when set, <see cref="Host"/> is only the name the first connection reports. Every node shares <see cref="Port"/> unless
    /// it names its own, and the TLS settings.
    /// </summary>
    public string[] Hosts { get; set; } = [];

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    public string Username { get; set; } = "guest";

    /// <summary>From <c>Transport__RabbitMq__Password</c>; or leave empty and set <see cref="PasswordFile"/>.</summary>
    public string? Password { get; set; }

    /// <summary>A file holding the password (a mounted secret); its trailing newline is ignored.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Connect with TLS (AMQPS, usually port 5671). Port 5671 or an <c>amqps://</c> <see cref="Uri"/> turn it on too.</summary>
    public bool UseTls { get; set; }

    /// <summary>TLS settings, used when <see cref="UseTls"/> is on.</summary>
    public RabbitMqTlsOptions Tls { get; set; } = new();

    /// <summary>Messages each consumer endpoint takes from the broker ahead of processing.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    /// <summary>Messages each endpoint processes at once.</summary>
    [Range(1, 10_000)]
    public int ConcurrentMessageLimit { get; set; } = 64;

    public string ResolvePassword() =>
        !string.IsNullOrEmpty(PasswordFile) ? File.ReadAllText(PasswordFile).TrimEnd('\r', '\n') : Password ?? "guest";
}

/// <summary>How the worker checks the broker's certificate and, optionally, proves its own identity.</summary>
public sealed class RabbitMqTlsOptions
{
    /// <summary>The name the broker's certificate must carry; defaults to the host connected to (the first of several).</summary>
    public string? ServerName { get; set; }

    /// <summary>
    /// A PEM or DER file with the certificate authority that signed the broker's certificate, for an estate with a private CA:
    /// the broker's chain must end there. Without it the machine's trusted roots decide.
    /// </summary>
    public string? CaCertificatePath { get; set; }

    /// <summary>A client certificate (PKCS#12, <c>.pfx</c>/<c>.p12</c>) for brokers that ask for one (mutual TLS).</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>The client certificate's passphrase, from the environment (<c>Transport__RabbitMq__Tls__ClientCertificatePassphrase</c>).</summary>
    public string? ClientCertificatePassphrase { get; set; }
}

public static class TransportKinds
{
    public const string InMemory = "InMemory";
    public const string RabbitMq = "RabbitMq";

    public static bool Is(string value, string kind) => string.Equals(value, kind, StringComparison.OrdinalIgnoreCase);
}
