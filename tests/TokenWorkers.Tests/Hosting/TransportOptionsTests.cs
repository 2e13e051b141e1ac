using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TokenWorkers.Hosting;
using TokenWorkers.Publishing;
using TokenWorkers.Refresh;

namespace TokenWorkers.Tests.Hosting;

/// <summary><c>Transport:*</c> as the worker binds and validates it at start-up, and what it makes of the broker address.</summary>
public class TransportOptionsTests
{
    [Theory]
    [InlineData(null, "tokenworkers-publish-post", "tokenworkers-refresh-due")]
    [InlineData("acme.tw-2", "acme.tw-2-publish-post", "acme.tw-2-refresh-due")]
    [InlineData("", "publish-post", "refresh-due")]
    public void The_queue_prefix_names_every_consumer_endpoint(string? prefix, string publishPost, string refreshDue)
    {
        using var provider = Services(prefix is null ? [] : new() { ["Transport:QueuePrefix"] = prefix });

        var names = provider.GetRequiredService<IEndpointNameFormatter>();

        Assert.Equal(publishPost, names.Consumer<PublishPostConsumer>());
        Assert.Equal(refreshDue, names.Consumer<RefreshDueConsumer>());
    }

    [Theory]
    [InlineData("TokenWorkers")]
    [InlineData("token workers")]
    [InlineData("token_workers")]
    [InlineData("-tokenworkers")]
    [InlineData("tokenworkers.")]
    [InlineData("acme/tokenworkers")]
    public void A_queue_prefix_the_names_would_not_keep_stops_start_up_naming_the_setting(string prefix)
    {
        var failures = Failures(new() { ["Transport:QueuePrefix"] = prefix });

        Assert.Contains(failures, f => f.StartsWith("Transport:QueuePrefix", StringComparison.Ordinal) && f.Contains(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_broker_addresses_are_each_reported_by_setting_and_a_password_in_the_uri_is_never_repeated()
    {
        var failures = Failures(new()
        {
            ["Transport:Kind"] = "RabbitMq",
            ["Transport:RabbitMq:Uri"] = "http://user:SENTINEL-PASSWORD-7@broker/vhost",
            ["Transport:RabbitMq:Hosts:0"] = "rabbit-1",
            ["Transport:RabbitMq:Hosts:1"] = "rabbit-2:99999",
            ["Transport:RabbitMq:Tls:CaCertificatePath"] = "/nowhere/ca.pem",
        });

        Assert.Contains(failures, f => f.StartsWith("Transport:RabbitMq:Uri must be an amqp:// or amqps://", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Transport:RabbitMq:Hosts:1", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.StartsWith("Transport:RabbitMq:Hosts:0", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Transport:RabbitMq:Tls:CaCertificatePath is set but TLS is off", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, f => f.Contains("SENTINEL-PASSWORD-7", StringComparison.Ordinal));
    }

    [Fact]
    public void A_certificate_file_that_does_not_exist_is_reported_when_TLS_is_on()
    {
        var failures = Failures(new()
        {
            ["Transport:Kind"] = "RabbitMq",
            ["Transport:RabbitMq:UseTls"] = "true",
            ["Transport:RabbitMq:Tls:ClientCertificatePath"] = "/nowhere/client.pfx",
        });

        Assert.Contains("Transport:RabbitMq:Tls:ClientCertificatePath names a file that does not exist.", failures);
    }

    [Fact]
    public void An_amqps_uri_gives_TLS_on_5671_its_virtual_host_and_credentials()
    {
        var address = RabbitMqAddress.From(new RabbitMqOptions { Uri = "amqps://svc%40acme:p%3Ass@broker.acme.test/prod%2Feu", Username = "ignored" });

        Assert.Equal(("broker.acme.test", 5671, "prod/eu", "svc@acme", "p:ss", true),
            (address.Host, address.Port, address.VirtualHost, address.Username, address.Password, address.UseTls));
        Assert.Empty(address.ClusterNodes);
        Assert.DoesNotContain("p:ss", address.ToString() ?? "", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amqp://broker", 5672, "/", false)]
    [InlineData("amqp://broker:5673/", 5673, "/", false)]
    [InlineData("amqp://broker/%2F", 5672, "/", false)]
    [InlineData("amqps://broker:5999/v", 5999, "v", true)]
    public void An_amqp_uri_is_read_as_the_AMQP_URI_spec_reads_it(string uri, int port, string virtualHost, bool tls)
    {
        var address = RabbitMqAddress.From(new RabbitMqOptions { Uri = uri, Password = "from-settings" });

        Assert.Equal((port, virtualHost, tls, "guest", "from-settings"), (address.Port, address.VirtualHost, address.UseTls, address.Username, address.Password));
    }

    [Fact]
    public void Several_hosts_make_a_cluster_whose_first_node_names_the_bus_and_port_5671_means_TLS()
    {
        var address = RabbitMqAddress.From(new RabbitMqOptions { Host = "unused", Hosts = ["rabbit-1", " rabbit-2:5673 "], Port = 5671 });

        Assert.Equal(["rabbit-1", "rabbit-2:5673"], address.ClusterNodes);
        Assert.Equal(("rabbit-1", 5671, true), (address.Host, address.Port, address.UseTls));
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddTokenWorkersMessaging(configuration);
        return services.BuildServiceProvider();
    }

    private static IEnumerable<string> Failures(Dictionary<string, string?> settings)
    {
        using var provider = Services(settings);
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TransportOptions>>().Value).Failures;
    }
}
