using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MassTransit;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using TokenWorkers.Contracts;
using TokenWorkers.Hosting;
using TokenWorkers.Messaging;
using TokenWorkers.Publishing;
using TokenWorkers.Refresh;
using TokenWorkers.Tests.TestSupport;
using static TokenWorkers.Tests.RabbitMq.ShippedBrokerUsers;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// The broker definitions shipped for the local stack (docker/rabbitmq), read as files and kept in step with the code that
/// names the broker's resources, and booted on a blank node the way the compose broker boots them.
/// </summary>
public sealed class ShippedBrokerDefinitionsTests
{
    /// <summary>The worker's queues under the default <c>Transport:QueuePrefix</c>, named by the formatter the bus uses.</summary>
    private static readonly IEndpointNameFormatter Names = QueueNames.Formatter(TransportOptions.DefaultQueuePrefix);

    private static readonly string[] WorkerQueues =
    [
        Names.Consumer<RefreshDueConsumer>(),
        Names.Consumer<PublishPostConsumer>(),
        Names.Consumer<CancelPostConsumer>(),
        Names.Consumer<DeletePostConsumer>(),
    ];

    private static readonly string[] Commands = [Exchange<RefreshDue>(), Exchange<PublishPost>(), Exchange<CancelPost>(), Exchange<DeletePost>()];

    /// <summary>Every event the worker publishes, and the interfaces they share; PostDeleted is a posting event outside IPostEvent.</summary>
    private static readonly Type[] EventTypes = [.. typeof(IConnectionEvent).Assembly.GetTypes()
        .Where(t => typeof(IConnectionEvent).IsAssignableFrom(t) || IsPostEvent(t))
        .Where(t => t != typeof(RefreshDue))];

    private static readonly string[] Events = [.. EventTypes.Select(Exchange)];

    private static readonly string[] PostEvents = [.. EventTypes.Where(IsPostEvent).Select(Exchange)];

    private static readonly JsonArray Permissions = Load()["permissions"]!.AsArray();

    [Fact]
    public void Every_shipped_password_hash_is_the_RabbitMQ_sha256_hash_of_the_documented_development_password()
    {
        var users = Load()["users"]!.AsArray().Select(user => user!.AsObject()).ToList();

        Assert.Equal(DevelopmentPasswords.Keys.Order(StringComparer.Ordinal), users.Select(user => (string)user["name"]!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(users, user => (string?)user["password"] is not null);
        Assert.All(users, user =>
        {
            var name = (string)user["name"]!;
            Assert.Equal("rabbit_password_hashing_sha256", (string?)user["hashing_algorithm"]);
            Assert.True(IsHashOf((string)user["password_hash"]!, DevelopmentPasswords[name]), $"{name}'s password_hash is not the hash of its documented password");
        });
    }

    [Fact]
    public void The_worker_may_use_every_name_it_declares_and_no_one_else_may_touch_what_it_consumes()
    {
        Assert.Equal(new[] { "tokenworkers-cancel-post", "tokenworkers-delete-post", "tokenworkers-publish-post", "tokenworkers-refresh-due" }, WorkerQueues.Order(StringComparer.Ordinal));
        Assert.Contains("TokenWorkers.Contracts:TokenRefreshed", Events);
        Assert.Contains("TokenWorkers.Contracts:PostPublished", PostEvents);
        Assert.Contains("TokenWorkers.Contracts:PostDeleted", PostEvents);

        string[] workerNames =
        [
            .. WorkerQueues.SelectMany(q => new[] { q, q + "_error", q + "_skipped" }), .. Commands, .. Events,
            "MassTransit:Fault", "MassTransit:Fault--TokenWorkers.Contracts:RefreshDue--",
        ];
        Assert.All(workerNames, name => Assert.True(Allows(Worker, "configure", name) && Allows(Worker, "write", name) && Allows(Worker, "read", name),
            $"the worker may not use {name}"));

        // The worker's right follows the prefix, not a list: a queue a new consumer adds is covered, and nobody else's is.
        Assert.True(Allows(Worker, "configure", "tokenworkers-some-new-command_error"), "the worker may not use a new queue under its prefix");
        Assert.False(Allows(Worker, "configure", "example-subscriber.anything"), "the worker may use a subscriber's names");

        // The default exchange ("amq.default" to the broker) would reach any queue by its name.
        string[] commandPaths = [.. WorkerQueues, .. WorkerQueues.Select(q => q + "_error"), .. Commands, "amq.default"];
        foreach (var user in new[] { Subscriber, Sender })
        {
            Assert.All(commandPaths, name => Assert.False(Allows(user, "configure", name) || Allows(user, "write", name) || Allows(user, "read", name),
                $"{user} has a right on {name}"));
            Assert.All(Events, name => Assert.False(Allows(user, "write", name), $"{user} may publish {name}"));
            Assert.True(Allows(user, "configure", $"{user}.anything") && Allows(user, "write", $"{user}.anything") && Allows(user, "read", $"{user}.anything"),
                $"{user} may not use the names under its prefix");
            Assert.False(Allows(user, "configure", "other-service.anything"), $"{user} may use another service's names");
        }

        // A subscriber binds its own queue to any event (its MassTransit bus declares the exchange first); a sender to the outcomes.
        Assert.All(Events, name => Assert.True(Allows(Subscriber, "configure", name) && Allows(Subscriber, "read", name), $"the subscriber may not bind {name}"));
        Assert.All(PostEvents, name => Assert.True(Allows(Sender, "configure", name) && Allows(Sender, "read", name), $"the sender may not bind {name}"));
        Assert.All(Events.Except(PostEvents), name => Assert.False(Allows(Sender, "read", name), $"the sender may bind {name}"));
    }

    [Fact]
    public async Task A_blank_node_booted_with_the_shipped_configuration_has_the_shipped_users_and_no_guest()
    {
        var configuration = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "docker", "rabbitmq", "rabbitmq.conf"))
            .Where(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith('#'))
            .ToList();
        Assert.Contains("load_definitions = /etc/rabbitmq/definitions.json", configuration);

        await using var node = await RabbitMqBroker.StartDedicatedAsync(
            [.. configuration.Select(line => line.Replace("/etc/rabbitmq/definitions.json", DefinitionsPath, StringComparison.Ordinal))]);

        var users = (await node.ControlAsync("list_users", "--no-table-headers"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t')[0]);
        Assert.Equal(DevelopmentPasswords.Keys.Order(StringComparer.Ordinal), users.Order(StringComparer.Ordinal));

        await using (var worker = await SignInAsync(node, Worker, DevelopmentPasswords[Worker]))
        {
            Assert.True(worker.IsOpen);
        }

        await Assert.ThrowsAsync<BrokerUnreachableException>(() => SignInAsync(node, "guest", "guest"));
    }

    private static Task<IConnection> SignInAsync(RabbitMqBroker node, string user, string password) =>
        new ConnectionFactory { HostName = node.Host, Port = node.Port, VirtualHost = "/", UserName = user, Password = password }
            .CreateConnectionAsync(TestContext.Current.CancellationToken);

    /// <summary>
    /// Whether the shipped permission of <paramref name="user"/> on "/" matches <paramref name="name"/>. RabbitMQ matches
    /// with Erlang's re (PCRE), unanchored; the shipped patterns use nothing on which .NET's regular expressions differ.
    /// </summary>
    private static bool Allows(string user, string access, string name)
    {
        var permission = Permissions.Select(p => p!.AsObject())
            .Single(p => (string)p["user"]! == user && (string)p["vhost"]! == "/");
        return Regex.IsMatch(name, (string)permission[access]!, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    private static bool IsPostEvent(Type type) => typeof(IPostEvent).IsAssignableFrom(type) || type == typeof(PostDeleted);

    /// <summary>MassTransit's exchange for a message type.</summary>
    private static string Exchange(Type type) => $"{type.Namespace}:{type.Name}";

    private static string Exchange<T>() => Exchange(typeof(T));
}
