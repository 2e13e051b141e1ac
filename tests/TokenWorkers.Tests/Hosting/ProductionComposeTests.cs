using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Storage.Mongo;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// <c>docker/docker-compose.production.yml</c> keeps the shape a deployment needs: no sandbox, every secret from a file
/// compose mounts, the broker and the database unreachable from the host, restart policies, a worker that scales.
/// </summary>
public sealed partial class ProductionComposeTests : IDisposable
{
    private const string File = "docker-compose.production.yml";

    /// <summary>Settings whose value is a secret: each has a file form, and only that form may appear.</summary>
    private static readonly string[] SecretSettings =
    [
        "LinkedIn__ClientSecret", "Encryption__Keys__", "Connect__StateKey", "Admin__ApiKey", "Transport__RabbitMq__Password",
        "Storage__Mongo__ConnectionString", "MONGO_INITDB_ROOT_PASSWORD", "RABBITMQ_DEFAULT_PASS",
    ];

    private static readonly JsonObject Compose = ComposeYaml.Load(File);

    private readonly string _secrets = Directory.CreateTempSubdirectory("tokenworkers-compose-secrets-").FullName;

    public void Dispose() => Directory.Delete(_secrets, recursive: true);

    [Fact]
    public void It_runs_no_sandbox_and_no_demo()
    {
        Assert.Equal(["rabbitmq", "mongo", "worker"], Services().Select(s => s.Key));
        Assert.DoesNotContain("sandbox", Compose.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("NOT-A-SECRET", Compose.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("demo", Compose.ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_broker_and_the_database_publish_no_host_port_and_the_worker_only_exposes_its_own()
    {
        Assert.All(Services(), s => Assert.True(s.Value!["ports"] is null, $"{s.Key} publishes host ports"));
        Assert.Equal(["5070"], Compose["services"]!["worker"]!["expose"]!.AsArray().Select(p => p!.ToString()));
    }

    [Fact]
    public void Every_service_restarts_unless_stopped_and_has_a_health_check()
    {
        Assert.All(Services(), s => Assert.Equal("unless-stopped", (string?)s.Value!["restart"]));
        Assert.NotNull(Compose["services"]!["rabbitmq"]!["healthcheck"]);
        Assert.NotNull(Compose["services"]!["mongo"]!["healthcheck"]);
        // The worker's is its image's HEALTHCHECK (DockerComposeTests checks it); the file must not switch it off.
        Assert.Null(Compose["services"]!["worker"]!["healthcheck"]);
    }

    [Fact]
    public void No_secret_is_written_in_an_environment_only_files_under_run_secrets_that_compose_mounts()
    {
        var declared = Compose["secrets"]!.AsObject().ToDictionary(s => s.Key, s => (string?)s.Value!["file"]);
        Assert.All(declared, s => Assert.StartsWith("./secrets/", s.Value, StringComparison.Ordinal));
        foreach (var (service, _) in Services())
        {
            var mounted = ((JsonArray?)Compose["services"]![service]!["secrets"] ?? []).Select(s => s is JsonObject o ? (string)o["source"]! : (string)s!).ToHashSet();
            Assert.All(mounted, name => Assert.True(declared.ContainsKey(name), $"{service} mounts the undeclared secret {name}"));
            foreach (var (key, value) in ComposeYaml.Environment(Compose, service))
            {
                if (!SecretSettings.Any(secret => key.StartsWith(secret, StringComparison.Ordinal)))
                {
                    continue;
                }

                Assert.True(key.EndsWith("File", StringComparison.Ordinal) || key.EndsWith("_FILE", StringComparison.Ordinal) || key.StartsWith("Encryption__KeyFiles__", StringComparison.Ordinal),
                    $"{service} sets the secret {key} inline");
                Assert.StartsWith("/run/secrets/", value, StringComparison.Ordinal);
                Assert.True(mounted.Contains(value!["/run/secrets/".Length..]), $"{service}: {key} names {value}, a secret the service does not mount");
            }
        }

        var worker = ComposeYaml.Environment(Compose, "worker");
        foreach (var file in new[] { "LinkedIn__ClientSecretFile", "Encryption__KeyFiles__key-1", "Connect__StateKeyFile", "Admin__ApiKeyFile", "Transport__RabbitMq__PasswordFile", "Storage__Mongo__ConnectionStringFile" })
        {
            Assert.True(worker.ContainsKey(file), $"the worker gets no {file}");
        }

        Assert.Equal("/run/secrets/mongo_root_password", ComposeYaml.Environment(Compose, "mongo")["MONGO_INITDB_ROOT_PASSWORD_FILE"]);
    }

    [Fact]
    public void The_broker_loads_a_definitions_file_of_the_teams_own_and_has_no_guest()
    {
        var rabbit = Compose["services"]!["rabbitmq"]!;
        Assert.Contains("./rabbitmq/rabbitmq.conf:/etc/rabbitmq/rabbitmq.conf:ro", rabbit["volumes"]!.AsArray().Select(v => (string?)v));
        var definitions = Assert.Single(rabbit["secrets"]!.AsArray().OfType<JsonObject>(), s => (string?)s["source"] == "rabbitmq_definitions");
        Assert.Equal("/etc/rabbitmq/definitions.json", (string?)definitions["target"]);
        Assert.Contains("load_definitions = /etc/rabbitmq/definitions.json", System.IO.File.ReadAllText(ComposeYaml.PathOf("rabbitmq/rabbitmq.conf")), StringComparison.Ordinal);
        Assert.Equal("tokenworkers", ComposeYaml.Environment(Compose, "worker")["Transport__RabbitMq__Username"]);
    }

    [Fact]
    public void The_worker_talks_to_the_real_LinkedIn_with_the_connect_flow_on()
    {
        var worker = ComposeYaml.Environment(Compose, "worker");

        Assert.DoesNotContain(worker.Keys, k => k.StartsWith("LinkedIn__", StringComparison.Ordinal) && k.EndsWith("BaseUrl", StringComparison.Ordinal));
        Assert.Equal("true", worker["Connect__Enabled"]);
        Assert.Equal("Mongo", worker["Storage__Provider"]);
        Assert.Equal("RabbitMq", worker["Transport__Kind"]);
    }

    [Fact]
    public void Its_worker_settings_with_the_secret_files_in_place_are_ones_the_worker_binds_and_pass_its_start_up_validation()
    {
        var known = DockerComposeTests.KnownSettings();
        var settings = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in ComposeYaml.Environment(Compose, "worker"))
        {
            var setting = key.Replace("__", ":", StringComparison.Ordinal);
            Assert.True(DockerComposeTests.IsKnown(setting, known), $"{File} passes {setting}, which the worker does not bind");
            settings[setting] = value is null ? null : Interpolate(value).Replace("/run/secrets", _secrets, StringComparison.Ordinal);
        }

        WriteSecret("linkedin_client_secret", "a-linkedin-client-secret");
        WriteSecret("encryption_key_1", Convert.ToBase64String(new byte[32]) + "\n");
        WriteSecret("connect_state_key", Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        WriteSecret("admin_api_key", "an-admin-key-of-at-least-24-characters");
        WriteSecret("mongo_connection_string", "mongodb://root:a-password@mongo:27017/?authSource=admin\n");
        WriteSecret("rabbitmq_worker_password", "a-broker-password");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTokenWorkers();
        using var app = builder.Build();

        app.Services.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal(new Uri("https://www.linkedin.com/"), app.Services.GetRequiredService<IOptions<LinkedInOptions>>().Value.OAuthBaseUrl);
        Assert.Equal("mongo", Assert.Single(MongoClientSettingsFactory.Create(app.Services.GetRequiredService<IOptions<MongoStorageOptions>>().Value).Servers).Host);
        Assert.Equal("a-broker-password", app.Services.GetRequiredService<IOptions<TransportOptions>>().Value.RabbitMq.ResolvePassword());
    }

    /// <summary>Compose's <c>${VAR:-default}</c> and <c>${VAR:?message}</c>, the required ones set as a team would export them.</summary>
    private static string Interpolate(string value) => Variable().Replace(value, m => m.Groups[2].Value == "-"
        ? m.Groups[3].Value
        : m.Groups[1].Value switch
        {
            "LINKEDIN_CLIENT_ID" => "a-linkedin-client-id",
            "TOKENWORKERS_PUBLIC_URL" => "https://tokenworkers.example.com/",
            var name => throw new InvalidOperationException($"{File} requires ${{{name}}}, which this test does not know"),
        });

    [GeneratedRegex(@"\$\{([A-Z_]+):?([-?])([^}]*)\}")]
    private static partial Regex Variable();

    private void WriteSecret(string name, string content) => System.IO.File.WriteAllText(Path.Combine(_secrets, name), content);

    private static JsonObject Services() => Compose["services"]!.AsObject();
}
