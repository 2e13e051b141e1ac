using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TokenWorkers.Sandbox.Hosting;

internal static class SandboxJson
{
    /// <summary>
    /// camelCase for the control surface (LinkedIn's own bodies name their fields explicitly), nulls
    /// left out the way LinkedIn omits absent fields, and quotes written as <c>\"</c> rather than
    /// <c>\u0022</c> so the gateway-style messages read like LinkedIn's.
    /// </summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
