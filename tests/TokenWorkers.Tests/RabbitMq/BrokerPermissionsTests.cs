using System.Text;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;
using static TokenWorkers.Tests.RabbitMq.ShippedBrokerUsers;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// Who may speak on the broker, with the users and permissions shipped in docker/rabbitmq/definitions.json on a real broker:
/// the worker runs as its own user; a subscriber hears the events through its own queue and can make the worker do
/// nothing; a sender posts through the exchange the operator bound for it, hears the outcome, and can publish neither
/// RefreshDue nor an event. Each attempt the permissions must stop is made with a plain AMQP client, the way an attacker
/// would, and the broker's answer is the assertion.
/// </summary>
public sealed class BrokerPermissionsTests : IAsyncLifetime
{
    private const int AccessRefused = 403;
    private const string SenderExchange = "example-sender.publish-post";

    private RabbitMqWorkerEnvironment? _environment;
    private ShippedBrokerUsers? _users;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private RabbitMqWorkerEnvironment Environment => _environment!;

    private ShippedBrokerUsers Users => _users!;

    public async ValueTask InitializeAsync()
    {
        _environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireLocalNodeAsync(), ownsBroker: false, Cancel);
        _users = await ImportAsync(Environment.Broker, Environment.VirtualHost);
        await Environment.StartWorkerAsync(Users.TransportLogin(Worker));
    }

    public async ValueTask DisposeAsync()
    {
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }

        if (_users is not null)
        {
            await _users.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_worker_runs_as_its_own_user_and_a_subscriber_set_up_as_documented_hears_its_events_in_queues_of_its_own()
    {
        var heard = new EventRecorder();
        await StartServiceAsync(Subscriber, heard, bus =>
        {
            AsDocumented(bus, Subscriber);
            bus.AddConsumer<EventRecorderConsumer>();
            bus.AddConsumer<FailingSubscriberConsumer>();
        });
        var (_, grant) = await Environment.ConnectDueAsync("perm-refreshed");

        await PipelineHost.WaitUntilAsync(() => heard.Of<TokenRefreshed>("perm-refreshed").Count == 1,
            "the subscriber to hear TokenRefreshed", TimeSpan.FromSeconds(45));

        // The scan published RefreshDue, the worker consumed it and called LinkedIn once, all as the worker's user.
        Assert.Single(Environment.RefreshExchangesByGrant()[grant.GrantId]);
        // A consumer that fails leaves the event in its own error queue (a refused fault publish would have kept it in the queue).
        var reason = await DeadLetteredReasonAsync("example-subscriber.failing-subscriber_error");
        Assert.Contains(FailingSubscriberConsumer.Failure, reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscriber_can_neither_publish_nor_send_anything_the_worker_consumes()
    {
        await Environment.ConnectAsync("perm-target", TimeSpan.FromDays(60));
        var refreshDue = RefreshDueFor("perm-target");
        var publishPost = PublishPostFor("forged-by-subscriber", "perm-target");

        var answers = await AnswersAsync(Subscriber, new Dictionary<string, Func<IChannel, Task>>
        {
            ["publish RefreshDue to its message exchange"] = Publish("TokenWorkers.Contracts:RefreshDue", refreshDue),
            ["publish RefreshDue to the worker's refresh-due exchange"] = Publish("tokenworkers-refresh-due", refreshDue),
            ["send RefreshDue to the refresh-due queue through the default exchange"] = Publish("", refreshDue, routingKey: "tokenworkers-refresh-due"),
            ["send PublishPost to the publish-post exchange"] = Publish("tokenworkers-publish-post", publishPost),
            ["publish PublishPost to its message exchange"] = Publish("TokenWorkers.Contracts:PublishPost", publishPost),
            ["publish a forged TokenRefreshed to the other subscribers"] = Publish("TokenWorkers.Contracts:TokenRefreshed", TokenRefreshedFor("perm-target")),
            ["consume the worker's commands"] = channel => channel.BasicGetAsync("tokenworkers-publish-post", autoAck: true, Cancel),
            ["bind the refresh-due queue to an exchange of its own"] = async channel =>
            {
                await channel.ExchangeDeclareAsync("example-subscriber.relay", ExchangeType.Fanout, durable: false, autoDelete: true, cancellationToken: Cancel);
                await channel.QueueBindAsync("tokenworkers-refresh-due", "example-subscriber.relay", "", cancellationToken: Cancel);
            },
            ["bind the refresh-due exchange to an exchange of its own"] = async channel =>
            {
                await channel.ExchangeDeclareAsync("example-subscriber.relay", ExchangeType.Fanout, durable: false, autoDelete: true, cancellationToken: Cancel);
                await channel.ExchangeBindAsync("tokenworkers-refresh-due", "example-subscriber.relay", "", cancellationToken: Cancel);
            },
            ["dead-letter its own queue into refresh-due"] = channel => channel.QueueDeclareAsync("example-subscriber.dead-letters", durable: false,
                exclusive: false, autoDelete: true, new Dictionary<string, object?> { ["x-dead-letter-exchange"] = "tokenworkers-refresh-due" }, cancellationToken: Cancel),
            ["give its own exchange refresh-due as alternate exchange"] = channel => channel.ExchangeDeclareAsync("example-subscriber.alternate",
                ExchangeType.Fanout, durable: false, autoDelete: true, new Dictionary<string, object?> { ["alternate-exchange"] = "tokenworkers-refresh-due" }, cancellationToken: Cancel),
            ["delete the worker's refresh-due queue"] = channel => channel.QueueDeleteAsync("tokenworkers-refresh-due", cancellationToken: Cancel),
        });

        AssertAllRefused(Subscriber, answers);

        var ledger = Environment.Worker.Services.GetRequiredService<IPostLedger>();
        Assert.Null(await ledger.FindAsync("forged-by-subscriber", Cancel));
    }

    [Fact]
    public async Task A_sender_posts_through_its_own_exchange_and_hears_the_outcome_but_cannot_publish_RefreshDue_or_events()
    {
        var (_, grant) = await Environment.ConnectAsync("perm-poster", TimeSpan.FromDays(60));
        var heard = new EventRecorder();
        var bus = await StartServiceAsync(Sender, heard, b =>
        {
            AsDocumented(b, Sender);
            b.AddConsumer<PostOutcomeRecorderConsumer>();
        });

        var endpoint = await bus.GetSendEndpoint(new Uri($"exchange:{SenderExchange}"));
        await endpoint.Send(new PublishPost { PostId = "perm-post-1", ConnectionId = "perm-poster", Text = "Posted by a sender with its own user" }, Cancel);
        await PipelineHost.WaitUntilAsync(() => heard.Posts<PostPublished>("perm-post-1").Count == 1,
            "the sender to hear PostPublished", TimeSpan.FromSeconds(45));
        var post = Assert.Single(Environment.Sandbox.Control.Requests, r => r.Endpoint == SandboxEndpoint.UgcPosts && r.Status == 201);
        Assert.Equal(grant.GrantId, post.GrantId);

        var refreshDue = RefreshDueFor("perm-poster");
        var answers = await AnswersAsync(Sender, new Dictionary<string, Func<IChannel, Task>>
        {
            ["publish RefreshDue to its message exchange"] = Publish("TokenWorkers.Contracts:RefreshDue", refreshDue),
            ["publish RefreshDue to the worker's refresh-due exchange"] = Publish("tokenworkers-refresh-due", refreshDue),
            ["send RefreshDue to the refresh-due queue through the default exchange"] = Publish("", refreshDue, routingKey: "tokenworkers-refresh-due"),
            ["publish a forged PostPublished"] = Publish("TokenWorkers.Contracts:PostPublished", PostPublishedFor("perm-post-2", "perm-poster")),
            ["publish a forged TokenRefreshed"] = Publish("TokenWorkers.Contracts:TokenRefreshed", TokenRefreshedFor("perm-poster")),
            ["send PublishPost past the exchange bound for it"] = Publish("tokenworkers-publish-post", PublishPostFor("perm-post-3", "perm-poster")),
            ["consume the worker's commands"] = channel => channel.BasicGetAsync("tokenworkers-publish-post", autoAck: true, Cancel),
            ["purge the worker's commands"] = channel => channel.QueuePurgeAsync("tokenworkers-publish-post", Cancel),
            ["delete the worker's publish-post queue"] = channel => channel.QueueDeleteAsync("tokenworkers-publish-post", cancellationToken: Cancel),
            ["delete the worker's publish-post exchange"] = channel => channel.ExchangeDeleteAsync("tokenworkers-publish-post", cancellationToken: Cancel),
            ["bind the refresh-due queue to its own exchange"] = channel => channel.QueueBindAsync("tokenworkers-refresh-due", SenderExchange, "", cancellationToken: Cancel),
        });

        AssertAllRefused(Sender, answers);

        // What its own exchange carries reaches only the publish-post queue, whose consumer takes PublishPost alone.
        Assert.Null(await AnswerAsync(Sender, Publish(SenderExchange, refreshDue)));
        var reason = await DeadLetteredReasonAsync("tokenworkers-publish-post_error");
        Assert.Contains("No consumer on this queue accepts the message", reason, StringComparison.Ordinal);
        Assert.Contains("urn:message:TokenWorkers.Contracts:RefreshDue", reason, StringComparison.Ordinal);
        Assert.DoesNotContain(heard.PostDeliveries, e => e.PostId != "perm-post-1");
    }

    /// <summary>
    /// What docs/rabbitmq-permissions.md asks of a team's MassTransit bus: every name under the service's prefix, and no fault
    /// events, whose exchanges (MassTransit:Fault--…) every service shares and no service's user may write.
    /// </summary>
    private static void AsDocumented(IBusRegistrationConfigurator bus, string prefix)
    {
        bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(prefix + ".", false));
        bus.AddConfigureEndpointsCallback((_, endpoint) => endpoint.PublishFaults = false);
    }

    private Task<IBus> StartServiceAsync(string user, EventRecorder recorder, Action<IBusRegistrationConfigurator> configureBus) =>
        Environment.StartServiceAsync(Environment.VirtualHost, Users.NameOf(user), DevelopmentPasswords[user], recorder, configureBus);

    private async Task<Dictionary<string, int?>> AnswersAsync(string user, Dictionary<string, Func<IChannel, Task>> attempts)
    {
        var answers = new Dictionary<string, int?>();
        foreach (var (what, attempt) in attempts)
        {
            answers[what] = await AnswerAsync(user, attempt);
        }

        return answers;
    }

    /// <summary>
    /// Null when the broker carried the operation out, otherwise the code it closed the channel with. A plain client, because
    /// MassTransit retries a refused declaration until its caller gives up, and a test run here once hung in such a publish
    /// long after its cancellation token had fired.
    /// </summary>
    private async Task<int?> AnswerAsync(string user, Func<IChannel, Task> attempt)
    {
        await using var connection = await Users.Factory(user).CreateConnectionAsync(Cancel);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), Cancel);
        try
        {
            await attempt(channel);
            // A refused publish closes the channel after the fact; the next round trip on it says why.
            await channel.ExchangeDeclarePassiveAsync("amq.fanout", Cancel);
            return null;
        }
        catch (OperationInterruptedException refused)
        {
            return refused.ShutdownReason?.ReplyCode;
        }
    }

    private static void AssertAllRefused(string user, Dictionary<string, int?> answers)
    {
        var allowed = answers.Where(a => a.Value != AccessRefused)
            .Select(a => $"{a.Key}: {(a.Value is { } code ? $"closed with {code}" : "done")}")
            .ToList();
        Assert.True(allowed.Count == 0, $"{user} was not refused (ACCESS_REFUSED) to:\n{string.Join("\n", allowed)}");
    }

    private async Task<string> DeadLetteredReasonAsync(string queue)
    {
        var factory = new ConnectionFactory
        {
            HostName = Environment.Broker.Host,
            Port = Environment.Broker.Port,
            VirtualHost = Environment.VirtualHost,
            UserName = Environment.Broker.Username,
            Password = Environment.Broker.Password,
        };
        await using var connection = await factory.CreateConnectionAsync(Cancel);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (await RefreshOverRabbitMqTests.TryGetAsync(connection, queue) is { } got)
            {
                return got.BasicProperties.Headers?.TryGetValue("MT-Fault-Message", out var message) == true && message is byte[] bytes
                    ? Encoding.UTF8.GetString(bytes)
                    : "(no MT-Fault-Message header)";
            }

            await Task.Delay(100, Cancel);
        }

        throw new TimeoutException($"Nothing arrived in {queue} within 30 s");
    }

    private static Func<IChannel, Task> Publish(string exchange, string envelope, string routingKey = "") =>
        channel => channel.BasicPublishAsync(exchange, routingKey, mandatory: false,
            new BasicProperties { ContentType = "application/vnd.masstransit+json", MessageId = Guid.NewGuid().ToString() },
            Encoding.UTF8.GetBytes(envelope), Cancel).AsTask();

    private static string RefreshDueFor(string connectionId) => RefreshOverRabbitMqTests.Envelope(
        $$"""{"eventId":"{{Guid.NewGuid()}}","connectionId":"{{connectionId}}","tenantId":"t","version":1,"occurredAt":"2026-01-01T00:00:00Z"}""");

    private static string TokenRefreshedFor(string connectionId) => RefreshOverRabbitMqTests.Envelope(
        $$"""{"eventId":"{{Guid.NewGuid()}}","connectionId":"{{connectionId}}","tenantId":"t","version":99,"occurredAt":"2026-01-01T00:00:00Z","accessTokenExpiresAt":"2026-03-01T00:00:00Z"}""",
        "urn:message:TokenWorkers.Contracts:TokenRefreshed");

    private static string PublishPostFor(string postId, string connectionId) => RefreshOverRabbitMqTests.Envelope(
        $$"""{"postId":"{{postId}}","connectionId":"{{connectionId}}","text":"forged"}""", "urn:message:TokenWorkers.Contracts:PublishPost");

    private static string PostPublishedFor(string postId, string connectionId) => RefreshOverRabbitMqTests.Envelope(
        $$"""{"eventId":"{{Guid.NewGuid()}}","postId":"{{postId}}","connectionId":"{{connectionId}}","version":1,"occurredAt":"2026-01-01T00:00:00Z","urn":"urn:li:share:1"}""",
        "urn:message:TokenWorkers.Contracts:PostPublished");
}

/// <summary>A sender's consumer: the posting outcomes only, the events its user may bind.</summary>
public sealed class PostOutcomeRecorderConsumer(EventRecorder recorder) :
    IConsumer<PostPublished>, IConsumer<PostFailed>, IConsumer<PostOutcomeUnknown>
{
    public Task Consume(ConsumeContext<PostPublished> context) => Record(context.Message);

    public Task Consume(ConsumeContext<PostFailed> context) => Record(context.Message);

    public Task Consume(ConsumeContext<PostOutcomeUnknown> context) => Record(context.Message);

    private Task Record(IPostEvent message)
    {
        recorder.Record(message);
        return Task.CompletedTask;
    }
}

/// <summary>A subscriber's consumer that fails, as consumers sometimes do.</summary>
public sealed class FailingSubscriberConsumer : IConsumer<TokenRefreshed>
{
    public const string Failure = "The subscriber's own consumer failed";

    public Task Consume(ConsumeContext<TokenRefreshed> context) => throw new InvalidOperationException(Failure);
}
