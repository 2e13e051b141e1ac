using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// The broker users shipped in <c>docker/rabbitmq/definitions.json</c>, signed in with the development passwords that
/// docs/rabbitmq-permissions.md documents, imported onto one test's virtual host. Users are node-wide, so each test's
/// copies carry a suffix of their own and are deleted afterwards.
/// </summary>
public sealed class ShippedBrokerUsers : IAsyncDisposable
{
    public const string Admin = "admin";
    public const string Worker = "tokenworkers";
    public const string Subscriber = "example-subscriber";
    public const string Sender = "example-sender";

    private static readonly string[] Sections = ["vhosts", "users", "permissions", "exchanges", "queues", "bindings"];

    private readonly RabbitMqBroker _broker;
    private readonly string _suffix;

    private ShippedBrokerUsers(RabbitMqBroker broker, string virtualHost, string suffix)
    {
        _broker = broker;
        VirtualHost = virtualHost;
        _suffix = suffix;
    }

    /// <summary>Committed on purpose and good for local development only, as the docs say.</summary>
    public static IReadOnlyDictionary<string, string> DevelopmentPasswords { get; } = new Dictionary<string, string>
    {
        [Admin] = "dev-only-broker-admin-NOT-A-SECRET",
        [Worker] = "dev-only-worker-NOT-A-SECRET",
        [Subscriber] = "dev-only-subscriber-NOT-A-SECRET",
        [Sender] = "dev-only-sender-NOT-A-SECRET",
    };

    public static string DefinitionsPath { get; } = Path.Combine(RepositoryRoot.Path, "docker", "rabbitmq", "definitions.json");

    public string VirtualHost { get; }

    public static JsonObject Load() => JsonNode.Parse(File.ReadAllText(DefinitionsPath))!.AsObject();

    /// <summary>
    /// RabbitMQ's <c>rabbit_password_hashing_sha256</c>: base64 of a 4-byte salt followed by SHA-256 of the salt and the
    /// password's UTF-8 bytes.
    /// </summary>
    public static bool IsHashOf(string passwordHash, string password)
    {
        var bytes = Convert.FromBase64String(passwordHash);
        if (bytes.Length != 4 + SHA256.HashSizeInBytes)
        {
            return false;
        }

        var salt = bytes.AsSpan(0, 4);
        var expected = SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)]);
        return CryptographicOperations.FixedTimeEquals(expected, bytes.AsSpan(4));
    }

    /// <summary>
    /// Imports the shipped definitions onto <paramref name="virtualHost"/>: every <c>"/"</c> becomes the test's virtual host
    /// and every user name gets this test's suffix.
    /// </summary>
    public static async Task<ShippedBrokerUsers> ImportAsync(RabbitMqBroker broker, string virtualHost)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var definitions = Load();
        // A section this copy does not rewrite would be imported onto the node's "/" instead of the test's virtual host.
        var unknown = definitions.Select(section => section.Key).Except(Sections).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"definitions.json has sections this test does not move to its virtual host: {string.Join(", ", unknown)}");
        }

        var suffix = "-" + Guid.NewGuid().ToString("N")[..8];
        definitions["vhosts"] = new JsonArray(new JsonObject { ["name"] = virtualHost });
        foreach (var user in Entries(definitions, "users"))
        {
            user["name"] = (string)user["name"]! + suffix;
        }

        foreach (var permission in Entries(definitions, "permissions"))
        {
            permission["user"] = (string)permission["user"]! + suffix;
        }

        foreach (var entry in new[] { "permissions", "exchanges", "queues", "bindings" }.SelectMany(section => Entries(definitions, section)))
        {
            entry["vhost"] = virtualHost;
        }

        var file = Path.Combine(Path.GetTempPath(), $"tokenworkers-definitions{suffix}.json");
        await File.WriteAllTextAsync(file, definitions.ToJsonString());
        try
        {
            await broker.ControlAsync("import_definitions", file);
        }
        finally
        {
            File.Delete(file);
        }

        return new ShippedBrokerUsers(broker, virtualHost, suffix);
    }

    /// <summary>The node-wide name of this test's copy of <paramref name="user"/>.</summary>
    public string NameOf(string user) => user + _suffix;

    /// <summary>A plain AMQP client signing in as <paramref name="user"/>.</summary>
    public ConnectionFactory Factory(string user) => new()
    {
        HostName = _broker.Host,
        Port = _broker.Port,
        VirtualHost = VirtualHost,
        UserName = NameOf(user),
        Password = DevelopmentPasswords[user],
    };

    /// <summary>The worker's transport settings for signing in as <paramref name="user"/>.</summary>
    public Dictionary<string, string?> TransportLogin(string user) => new()
    {
        ["Transport:RabbitMq:Username"] = NameOf(user),
        ["Transport:RabbitMq:Password"] = DevelopmentPasswords[user],
    };

    public async ValueTask DisposeAsync() =>
        await Task.WhenAll(DevelopmentPasswords.Keys.Select(user => _broker.ControlAsync("delete_user", NameOf(user))));

    private static IEnumerable<JsonObject> Entries(JsonObject definitions, string section) =>
        definitions[section]?.AsArray().Select(entry => entry!.AsObject()) ?? [];
}
