using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenWorkers.Contracts.Serialization;

/// <summary>
/// How every enum of the contracts travels: as its member name (<c>"reason": "GrantRejected"</c>), whatever serializer
/// options sender and receiver use. Reading accepts a name (any case) or a number, so messages from senders on packages
/// up to 1.1, which wrote numbers, still read. A name this package does not know (a member added by a newer package)
/// reads as the undefined value 0, as an unknown number always did, instead of failing the whole message; an
/// undefined value is written as its number. Public because serializers generated in other assemblies must reach it;
/// services have no need to use it themselves.
/// </summary>
/// <typeparam name="TEnum">One of the contracts' enums.</typeparam>
public sealed class EnumNameConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    /// <inheritdoc />
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => (TEnum)Enum.ToObject(typeof(TEnum), reader.GetInt64()),
            JsonTokenType.String => Enum.TryParse<TEnum>(reader.GetString(), ignoreCase: true, out var value) ? value : default,
            _ => throw new JsonException($"A {typeof(TEnum).Name} is a name or a number, not {reader.TokenType}."),
        };

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (Enum.IsDefined(value))
        {
            writer.WriteStringValue(value.ToString());
        }
        else
        {
            writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
