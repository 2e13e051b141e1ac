using System.ComponentModel.DataAnnotations;

namespace TokenWorkers.Runtime;

/// <summary>The audit trail (section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>How long records are kept; older ones are deleted as new ones arrive. Default 400 days.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00", ErrorMessage = "must be between 1 day and 3650 days")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(400);
}
