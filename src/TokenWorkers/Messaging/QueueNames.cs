using System.Text.RegularExpressions;
using MassTransit;

namespace TokenWorkers.Messaging;

/// <summary>
/// The worker's queue names: MassTransit's kebab-case endpoint names behind the configured prefix. The prefix lives in the
/// endpoint name formatter, so every consumer endpoint the worker configures carries it, a new one included.
/// </summary>
public static partial class QueueNames
{
    /// <summary>Longest prefix accepted: RabbitMQ allows 255 bytes per name, and the consumer's name and <c>_skipped</c> follow it.</summary>
    public const int MaxPrefixLength = 100;

    /// <summary>The formatter for <paramref name="prefix"/>; empty or null gives the unprefixed names of earlier versions.</summary>
    public static IEndpointNameFormatter Formatter(string? prefix) =>
        string.IsNullOrEmpty(prefix)
            ? KebabCaseEndpointNameFormatter.Instance
            : new KebabCaseEndpointNameFormatter(prefix + "-", includeNamespace: false);

    /// <summary>
    /// Lower-case letters and digits in words joined by <c>-</c> or <c>.</c>: the formatter lower-cases and re-separates what
    /// it is given, so anything else would not come out as written; all of it is safe in RabbitMQ and MassTransit names.
    /// </summary>
    public static bool IsValidPrefix(string? prefix) =>
        string.IsNullOrEmpty(prefix) || (prefix.Length <= MaxPrefixLength && PrefixPattern().IsMatch(prefix));

    /// <summary>The <c>queue:</c> address of <typeparamref name="TConsumer"/>'s endpoint under <paramref name="names"/>.</summary>
    public static Uri Address<TConsumer>(IEndpointNameFormatter names)
        where TConsumer : class, IConsumer
    {
        ArgumentNullException.ThrowIfNull(names);
        return new Uri($"queue:{names.Consumer<TConsumer>()}");
    }

    [GeneratedRegex("^[a-z0-9]+([.-][a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixPattern();
}
