using System.ComponentModel.DataAnnotations;

namespace TokenWorkers.Hosting;

/// <summary>How the worker writes its console log.</summary>
public sealed class LoggingOptions
{
    public const string SectionName = "Log";

    /// <summary><c>Text</c> (readable, the default) or <c>Json</c> (compact JSON, one event per line, for log shippers).</summary>
    [Required]
    [RegularExpression("^(?i)(text|json)$", ErrorMessage = "must be Text or Json")]
    public string Format { get; set; } = "Text";
}
