using System.Collections;
using System.Globalization;
using System.Text;
using TokenWorkers.Connections;

namespace TokenWorkers.Tests.TestSupport;

/// <summary>
/// A complete, readable text of an object graph, for comparing connections field by field.
/// <see cref="Connection"/>'s record equality compares lists by reference and its dates without their
/// offset, so it cannot say "came back exactly"; this can, and its diff shows which field differs.
/// Reflection means a field added to the model is compared without anyone updating this file.
/// </summary>
internal static class Snapshot
{
    public static string Of(object? value)
    {
        var text = new StringBuilder();
        Write(text, value, indent: 0);
        return text.ToString();
    }

    private static void Write(StringBuilder text, object? value, int indent)
    {
        switch (value)
        {
            case null:
                text.Append("null");
                break;
            case string s:
                text.Append('"').Append(s).Append('"');
                break;
            case SecretToken token:
                text.Append("secret \"").Append(token.Reveal()).Append('"');
                break;
            case DateTimeOffset date:
                text.Append(date.ToString("O", CultureInfo.InvariantCulture));
                break;
            case IFormattable formattable when value.GetType().IsPrimitive || value is Enum or Guid or decimal:
                text.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            case IEnumerable items:
                text.Append('[');
                foreach (var item in items)
                {
                    text.AppendLine().Append(' ', (indent + 1) * 2);
                    Write(text, item, indent + 1);
                }

                text.Append(']');
                break;
            default:
                text.Append('{');
                foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
                {
                    text.AppendLine().Append(' ', (indent + 1) * 2).Append(property.Name).Append(": ");
                    Write(text, property.GetValue(value), indent + 1);
                }

                text.Append('}');
                break;
        }
    }
}
