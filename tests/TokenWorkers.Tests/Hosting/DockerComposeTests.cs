using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenWorkers.Hosting;
using TokenWorkers.Storage.Mongo;
using TokenWorkers.Tests.RabbitMq;

using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// No Docker engine runs on our machines, so the compose file is kept in step with the app by reading it:
/// every setting it passes to the worker must be one the worker binds, and together they must pass the
/// worker's own start-up validation.
/// </summary>
public sealed partial class DockerComposeTests
{
    private static readonly string Root = RepositoryRoot.Path;

    [Fact]
    public void Every_setting_the_compose_file_passes_to_the_worker_is_one_the_worker_binds()
    {
        var known = KnownSettings();
        var environment = WorkerEnvironment();

        Assert.NotEmpty(environment);
        Assert.All(environment.Keys, key => Assert.True(IsKnown(key, known), $"docker-compose.yml passes {key}, which the worker does not bind"));
    }

    [Fact]
    public void The_compose_settings_pass_the_workers_start_up_validation()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(WorkerEnvironment().Select(e => new KeyValuePair<string, string?>(e.Key, e.Value)));
        builder.AddTokenWorkers();
        using var app = builder.Build();

        app.Services.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal("mongodb://mongo:27017", app.Services.GetRequiredService<IOptions<MongoStorageOptions>>().Value.ConnectionString);
        Assert.Equal("rabbitmq", app.Services.GetRequiredService<IOptions<TransportOptions>>().Value.RabbitMq.Host);
    }

    [Fact]
    public void The_broker_loads_the_shipped_definitions_and_the_worker_signs_in_as_its_own_user()
    {
        var volumes = ServiceItems("rabbitmq", "volumes");
        Assert.Contains("./rabbitmq/rabbitmq.conf:/etc/rabbitmq/rabbitmq.conf:ro", volumes);
        Assert.Contains("./rabbitmq/definitions.json:/etc/rabbitmq/definitions.json:ro", volumes);
        Assert.All(volumes, volume => Assert.True(File.Exists(Path.Combine(Root, "docker", volume.Split(':')[0])), $"{volume} mounts a file that does not exist"));

        var environment = WorkerEnvironment();
        Assert.Equal(ShippedBrokerUsers.Worker, environment["Transport:RabbitMq:Username"]);
        var user = ShippedBrokerUsers.Load()["users"]!.AsArray().Single(u => (string)u!["name"]! == ShippedBrokerUsers.Worker)!;
        Assert.True(ShippedBrokerUsers.IsHashOf((string)user["password_hash"]!, environment["Transport:RabbitMq:Password"]),
            "the worker's default password in docker-compose.yml is not the one whose hash definitions.json holds");
    }

    [Fact]
    public void The_dockerfiles_build_from_the_solution_layout_and_run_as_a_non_root_user()
    {
        foreach (var name in new[] { "worker.Dockerfile", "sandbox.Dockerfile" })
        {
            var text = File.ReadAllText(Path.Combine(Root, "docker", name));
            Assert.Contains("AS build", text, StringComparison.Ordinal);
            Assert.Contains("USER $APP_UID", text, StringComparison.Ordinal);
            foreach (Match copy in CopySource().Matches(text))
            {
                Assert.True(File.Exists(Path.Combine(Root, copy.Groups[1].Value)) || Directory.Exists(Path.Combine(Root, copy.Groups[1].Value)),
                    $"{name} copies {copy.Groups[1].Value}, which does not exist");
            }
        }
    }

    [Fact]
    public void The_runtime_images_install_no_curl_and_probe_their_health_with_their_own_binary()
    {
        foreach (var (name, dll) in new[] { ("worker.Dockerfile", "TokenWorkers.dll"), ("sandbox.Dockerfile", "TokenWorkers.Sandbox.dll") })
        {
            var text = File.ReadAllText(Path.Combine(Root, "docker", name));
            var runtime = string.Join('\n', text[text.IndexOf("AS runtime", StringComparison.Ordinal)..].Split('\n').Where(l => !l.StartsWith('#')));
            Assert.DoesNotContain("curl", runtime, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("apt-get", runtime, StringComparison.Ordinal);
            Assert.Matches($@"HEALTHCHECK [^\n]*\\\n\s+CMD \[""dotnet"", ""{Regex.Escape(dll)}"", ""healthcheck""\]", runtime);
        }
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_and_local_data_but_keeps_what_the_dockerfiles_copy()
    {
        var ignored = File.ReadAllLines(Path.Combine(Root, ".dockerignore"))
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(DockerIgnorePattern)
            .ToArray();
        bool Excluded(string path) => ignored.Any(p => p.IsMatch(path));

        Assert.True(Excluded("src/TokenWorkers/bin/Release/net10.0/TokenWorkers.dll"));
        Assert.True(Excluded("src/TokenWorkers/obj/project.assets.json"));
        Assert.True(Excluded(".data/demo/tokenworkers.db"));
        Assert.True(Excluded("artifacts/test-results/tests.trx"));
        Assert.True(Excluded("docker/secrets/encryption_key_1"));
        Assert.False(Excluded("src/TokenWorkers/Program.cs"));
        foreach (var name in new[] { "worker.Dockerfile", "sandbox.Dockerfile" })
        {
            foreach (Match copy in CopySource().Matches(File.ReadAllText(Path.Combine(Root, "docker", name))))
            {
                Assert.False(Excluded(copy.Groups[1].Value.TrimEnd('/') + "/"), $"{name} copies {copy.Groups[1].Value}, which .dockerignore leaves out");
                Assert.False(Excluded(copy.Groups[1].Value.TrimEnd('/')), $"{name} copies {copy.Groups[1].Value}, which .dockerignore leaves out");
            }
        }
    }

    // Docker's rules for the patterns used here: ** spans directories, * stays within one, a trailing / names a directory.
    private static Regex DockerIgnorePattern(string pattern)
    {
        var body = Regex.Escape(pattern.TrimEnd('/')).Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal).Replace(@"\*", "[^/]*", StringComparison.Ordinal);
        return new Regex($"^{body}(/.*)?$", RegexOptions.CultureInvariant);
    }

    /// <summary>The worker service's environment, with compose's ${VAR:-default} and ${VAR:?message} filled in.</summary>
    private static Dictionary<string, string> WorkerEnvironment()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "docker", "docker-compose.yml"));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var inWorker = false;
        var inEnvironment = false;
        foreach (var line in lines)
        {
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var indent = line.Length - line.TrimStart().Length;
            if (indent == 2)
            {
                inWorker = line.Trim() == "worker:";
                inEnvironment = false;
            }
            else if (inWorker && indent == 4)
            {
                inEnvironment = line.Trim() == "environment:";
            }
            else if (inEnvironment && indent == 6)
            {
                var separator = line.IndexOf(':', StringComparison.Ordinal);
                var key = line[..separator].Trim();
                var value = line[(separator + 1)..].Trim().Trim('"');
                value = Variable().Replace(value, m => m.Groups[2].Value == "-"
                    ? m.Groups[3].Value
                    : Convert.ToBase64String(new byte[32]));
                result[key.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }

        return result;
    }

    /// <summary>The items of a list under a service, such as the broker's volumes.</summary>
    private static List<string> ServiceItems(string service, string key)
    {
        var items = new List<string>();
        var inService = false;
        var inList = false;
        foreach (var line in File.ReadAllLines(Path.Combine(Root, "docker", "docker-compose.yml")))
        {
            if (line.Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var indent = line.Length - line.TrimStart().Length;
            if (indent == 2)
            {
                inService = line.Trim() == service + ":";
                inList = false;
            }
            else if (inService && indent == 4)
            {
                inList = line.Trim() == key + ":";
            }
            else if (inList && indent == 6 && line.TrimStart().StartsWith("- ", StringComparison.Ordinal))
            {
                items.Add(line.TrimStart()[2..].Trim().Trim('"'));
            }
        }

        return items;
    }

    internal static bool IsKnown(string key, HashSet<string> known) =>
        known.Contains(key) || known.Any(k => k.EndsWith('*') && key.StartsWith(k[..^1], StringComparison.Ordinal));

    /// <summary>Every setting path the worker binds: its options classes under their section names, and the host's own.</summary>
    internal static HashSet<string> KnownSettings()
    {
        // OTEL_* are read by the OpenTelemetry SDK itself (docs/observability.md).
        var known = new HashSet<string>(StringComparer.Ordinal) { "ASPNETCORE_ENVIRONMENT", "Urls", "Serilog:*", "OTEL_*" };
        var sections = typeof(WorkerRegistration).Assembly.GetTypes()
            .Select(t => (Type: t, Field: t.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)))
            .Where(s => s.Field is { IsLiteral: true } && s.Type.Name.EndsWith("Options", StringComparison.Ordinal));
        foreach (var (type, field) in sections)
        {
            AddProperties(known, (string)field!.GetRawConstantValue()!, type);
        }

        return known;
    }

    private static void AddProperties(HashSet<string> known, string prefix, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var path = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsClass && propertyType != typeof(string) && propertyType != typeof(Uri) && !typeof(IEnumerable).IsAssignableFrom(propertyType))
            {
                AddProperties(known, path, propertyType);
            }
            else if (typeof(IEnumerable).IsAssignableFrom(propertyType) && propertyType != typeof(string))
            {
                known.Add(path + ":*");
            }
            else if (property.CanWrite)
            {
                known.Add(path);
            }
        }
    }

    [GeneratedRegex(@"\$\{([A-Z_]+):?([-?])([^}]*)\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^COPY (?!--from)(\S+)", RegexOptions.Multiline)]
    private static partial Regex CopySource();
}
