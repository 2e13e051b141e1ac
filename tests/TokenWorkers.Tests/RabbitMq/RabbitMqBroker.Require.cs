namespace TokenWorkers.Tests.RabbitMq;

/// <summary>How tests obtain a broker: a skip where there is none, a failure where CI requires one.</summary>
public sealed partial class RabbitMqBroker
{
    /// <summary>The broker, or a skip (a failure where CI requires the broker).</summary>
    public static async Task<RabbitMqBroker> RequireAsync()
    {
        var broker = await SharedAsync();
        if (broker is null)
        {
            if (Environment.GetEnvironmentVariable("TOKENWORKERS_REQUIRE_RABBITMQ") == "1")
            {
                Assert.Fail(NoBrokerReason + " (TOKENWORKERS_REQUIRE_RABBITMQ=1 forbids skipping)");
            }

            Assert.Skip(NoBrokerReason);
        }

        return broker;
    }

    /// <summary>
    /// A node of its own for a test that stops and starts the broker, so the tests sharing the other node are
    /// not disturbed. It needs the local rabbitmq-server (a broker at RABBITMQ_URL cannot be restarted from here).
    /// </summary>
    /// <param name="configuration">More lines for the node's rabbitmq.conf.</param>
    public static async Task<RabbitMqBroker> StartDedicatedAsync(params string[] configuration)
    {
        if (!CanStartNode)
        {
            const string reason = "Restarting a broker needs a local rabbitmq-server (apt-get install -y rabbitmq-server)";
            if (Environment.GetEnvironmentVariable("TOKENWORKERS_REQUIRE_RABBITMQ") == "1")
            {
                Assert.Fail(reason + " (TOKENWORKERS_REQUIRE_RABBITMQ=1 forbids skipping)");
            }

            Assert.Skip(reason);
        }

        return await StartNodeAsync(configuration);
    }

    /// <summary>
    /// The shared broker when it is a node started here, for a test that administers it with rabbitmqctl (users, definitions);
    /// a skip where the broker is the one at RABBITMQ_URL, which this process cannot administer.
    /// </summary>
    public static async Task<RabbitMqBroker> RequireLocalNodeAsync()
    {
        var broker = await RequireAsync();
        if (!broker.IsLocalNode)
        {
            Assert.Skip("An external broker (RABBITMQ_URL) cannot be administered with rabbitmqctl from here; this test needs a node started by the tests.");
        }

        return broker;
    }
}
