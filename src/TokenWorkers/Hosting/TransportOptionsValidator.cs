using Microsoft.Extensions.Options;
using TokenWorkers.Messaging;

namespace TokenWorkers.Hosting;

/// <summary>Names every bad transport setting, and never repeats a value that may hold a password.</summary>
public sealed class TransportOptionsValidator : IValidateOptions<TransportOptions>
{
    private const string Section = TransportOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (!QueueNames.IsValidPrefix(options.QueuePrefix))
        {
            errors.Add($"{Section}:QueuePrefix is '{options.QueuePrefix}'; it must be lower-case letters and digits in words joined by '-' or '.' " +
                       $"(such as '{TransportOptions.DefaultQueuePrefix}' or 'acme.tokenworkers'), at most {QueueNames.MaxPrefixLength} characters, " +
                       "or empty for the unprefixed queue names.");
        }

        if (!TransportKinds.Is(options.Kind, TransportKinds.InMemory) && !TransportKinds.Is(options.Kind, TransportKinds.RabbitMq))
        {
            errors.Add($"{Section}:Kind is '{options.Kind}'; it must be {TransportKinds.InMemory} or {TransportKinds.RabbitMq}.");
        }
        else if (TransportKinds.Is(options.Kind, TransportKinds.RabbitMq))
        {
            ValidateRabbitMq(options.RabbitMq, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateRabbitMq(RabbitMqOptions rabbit, List<string> errors)
    {
        const string prefix = Section + ":RabbitMq";
        var hasUri = !string.IsNullOrWhiteSpace(rabbit.Uri);
        if (hasUri && !RabbitMqAddress.IsValidUri(rabbit.Uri!))
        {
            errors.Add($"{prefix}:Uri must be an amqp:// or amqps:// address with a host (amqps://user:password@host:5671/vhost).");
        }

        if (!hasUri && rabbit.Hosts.Length == 0 && string.IsNullOrWhiteSpace(rabbit.Host))
        {
            errors.Add($"{prefix}:Host is required.");
        }

        for (var i = 0; i < rabbit.Hosts.Length; i++)
        {
            if (!RabbitMqAddress.IsValidNode(rabbit.Hosts[i]))
            {
                errors.Add($"{prefix}:Hosts:{i} is '{rabbit.Hosts[i]}'; each node must be a host name or host:port.");
            }
        }

        if (rabbit.Port is < 1 or > 65535)
        {
            errors.Add($"{prefix}:Port must be between 1 and 65535.");
        }

        if (rabbit.PrefetchCount < 1 || rabbit.ConcurrentMessageLimit < 1)
        {
            errors.Add($"{prefix}:PrefetchCount and {prefix}:ConcurrentMessageLimit must be at least 1.");
        }

        if (!string.IsNullOrEmpty(rabbit.PasswordFile) && !File.Exists(rabbit.PasswordFile))
        {
            errors.Add($"{prefix}:PasswordFile names a file that does not exist.");
        }

        ValidateTls(rabbit, errors);
    }

    private static void ValidateTls(RabbitMqOptions rabbit, List<string> errors)
    {
        const string tls = Section + ":RabbitMq:Tls";
        var tlsOn = rabbit.UseTls || rabbit.Port == RabbitMqAddress.AmqpsPort
                    || (!string.IsNullOrWhiteSpace(rabbit.Uri) && rabbit.Uri.TrimStart().StartsWith("amqps:", StringComparison.OrdinalIgnoreCase));
        var certificates = new[] { ("CaCertificatePath", rabbit.Tls.CaCertificatePath), ("ClientCertificatePath", rabbit.Tls.ClientCertificatePath) };
        foreach (var (setting, path) in certificates.Where(c => !string.IsNullOrEmpty(c.Item2)))
        {
            if (!tlsOn)
            {
                errors.Add($"{tls}:{setting} is set but TLS is off: set {Section}:RabbitMq:UseTls=true (or use port 5671, or an amqps:// Uri).");
            }
            else if (!File.Exists(path))
            {
                errors.Add($"{tls}:{setting} names a file that does not exist.");
            }
        }

        if (!string.IsNullOrEmpty(rabbit.Tls.ClientCertificatePassphrase) && string.IsNullOrEmpty(rabbit.Tls.ClientCertificatePath))
        {
            errors.Add($"{tls}:ClientCertificatePassphrase is set without {tls}:ClientCertificatePath.");
        }
    }
}
