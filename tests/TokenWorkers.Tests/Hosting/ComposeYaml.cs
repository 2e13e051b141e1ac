using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TokenWorkers.Tests.TestSupport;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// A compose file as the JSON document the Compose Specification's schema describes. Plain scalars take YAML's core-schema
/// types, as compose reads them (<c>retries: 10</c> is a number, <c>"5672"</c> and <c>10s</c> are strings, an empty value is null).
/// </summary>
internal static partial class ComposeYaml
{
    public static string PathOf(string file) => Path.Combine(RepositoryRoot.Path, "docker", file);

    public static JsonObject Load(string file) => Parse(File.ReadAllText(PathOf(file)));

    public static JsonObject Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (JsonObject)ToJson(Assert.Single(stream.Documents).RootNode)!;
    }

    /// <summary>A service's environment as key → value (the map form; a list form would be <c>KEY=value</c> items).</summary>
    public static Dictionary<string, string?> Environment(JsonObject compose, string service)
    {
        var environment = compose["services"]![service]!["environment"];
        return environment switch
        {
            null => [],
            JsonObject map => map.ToDictionary(e => e.Key, e => e.Value?.ToString(), StringComparer.Ordinal),
            JsonArray list => list.Select(i => i!.GetValue<string>().Split('=', 2)).ToDictionary(p => p[0], p => p.ElementAtOrDefault(1), StringComparer.Ordinal),
            _ => throw new InvalidOperationException($"{service}: environment is neither a map nor a list"),
        };
    }

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJson)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidOperationException($"Unexpected YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonValue? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(text);
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when Integer().IsMatch(text) => JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture)),
            _ when Float().IsMatch(text) => JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture)),
            _ => JsonValue.Create(text),
        };
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}
