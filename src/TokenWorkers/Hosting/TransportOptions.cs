using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace TokenWorkers.Hosting;

/// <summary>Which message transport the worker uses. In-memory is the embedded default; RabbitMQ is production.</summary>
public sealed class TransportOptions
{
    public const string SectionName = "Transport";

    /// <summary><c>InMemory</c> (default: one process, nothing to install) or <c>RabbitMq</c>.</summary>
    [Required]
    public string Kind { get; set; } = TransportKinds.InMemory;

    public RabbitMqOptions RabbitMq { get; set; } = new();
}

/// <summary>The RabbitMQ broker. Credentials come from the environment or a file, never from committed settings.</summary>
public sealed class RabbitMqOptions
{
    public string Host { get; set; } = "localhost";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    public string VirtualHost { get; set; } = "/";

    public string Username { get; set; } = "guest";

    /// <summary>From <c>Transport__RabbitMq__Password</c>; or leave empty and set <see cref="PasswordFile"/>.</summary>
    public string? Password { get; set; }

    /// <summary>A file holding the password (a mounted secret); its trailing newline is ignored.</summary>
    public string? PasswordFile { get; set; }

    /// <summary>Messages each consumer endpoint takes from the broker ahead of processing.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    /// <summary>Messages each endpoint processes at once.</summary>
    [Range(1, 10_000)]
    public int ConcurrentMessageLimit { get; set; } = 64;

    public string ResolvePassword() =>
        !string.IsNullOrEmpty(PasswordFile) ? File.ReadAllText(PasswordFile).TrimEnd('\r', '\n') : Password ?? "guest";
}

public static class TransportKinds
{
    public const string InMemory = "InMemory";
    public const string RabbitMq = "RabbitMq";

    public static bool Is(string value, string kind) => string.Equals(value, kind, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Names every bad transport setting.</summary>
public sealed class TransportOptionsValidator : IValidateOptions<TransportOptions>
{
    public ValidateOptionsResult Validate(string? name, TransportOptions options)
    {
        var errors = new List<string>();
        var section = TransportOptions.SectionName;
        if (!TransportKinds.Is(options.Kind, TransportKinds.InMemory) && !TransportKinds.Is(options.Kind, TransportKinds.RabbitMq))
        {
            errors.Add($"{section}:Kind is '{options.Kind}'; it must be {TransportKinds.InMemory} or {TransportKinds.RabbitMq}.");
        }
        else if (TransportKinds.Is(options.Kind, TransportKinds.RabbitMq))
        {
            var rabbit = options.RabbitMq;
            if (string.IsNullOrWhiteSpace(rabbit.Host))
            {
                errors.Add($"{section}:RabbitMq:Host is required.");
            }

            if (rabbit.Port is < 1 or > 65535)
            {
                errors.Add($"{section}:RabbitMq:Port must be between 1 and 65535.");
            }

            if (rabbit.PrefetchCount < 1 || rabbit.ConcurrentMessageLimit < 1)
            {
                errors.Add($"{section}:RabbitMq:PrefetchCount and {section}:RabbitMq:ConcurrentMessageLimit must be at least 1.");
            }

            if (!string.IsNullOrEmpty(rabbit.PasswordFile) && !File.Exists(rabbit.PasswordFile))
            {
                errors.Add($"{section}:RabbitMq:PasswordFile names a file that does not exist.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
