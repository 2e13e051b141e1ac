using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Contracts;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// What a shared RabbitMQ estate expects of the worker, on a real broker: its queues under a configurable prefix, commands
/// sent to them by name (by another service and by the worker's own admin API), and several cluster hosts.
/// </summary>
public sealed class MessagingConventionsTests : IAsyncLifetime
{
    private const string AdminKey = "conventions-admin-key-0123456789";
    private RabbitMqWorkerEnvironment _environment = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() =>
        _environment = await RabbitMqWorkerEnvironment.StartAsync(await RabbitMqBroker.RequireLocalNodeAsync(), ownsBroker: false, Cancel);

    public async ValueTask DisposeAsync() => await _environment.DisposeAsync();

    [Fact]
    public async Task With_a_custom_prefix_every_queue_of_the_worker_carries_it_and_commands_sent_there_or_through_the_admin_API_are_handled()
    {
        var worker = await _environment.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Transport:QueuePrefix"] = "acme.tw",
            ["Admin:Enabled"] = "true",
            ["Admin:ApiKey"] = AdminKey,
        });
        await _environment.ConnectAsync("prefixed-poster", TimeSpan.FromDays(60));

        var endpoint = await _environment.OtherServiceBus.GetSendEndpoint(new Uri("queue:acme.tw-publish-post"));
        await endpoint.Send(new PublishPost { PostId = "prefixed-sent", ConnectionId = "prefixed-poster", Text = "Sent to the prefixed queue" }, Cancel);
        using var http = AdminClient(worker);
        using var posted = await http.PostAsJsonAsync("admin/connections/prefixed-poster/posts",
            new { postId = "prefixed-admin", text = "Sent by the admin API" }, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);

        var recorder = _environment.OtherService;
        await PipelineHost.WaitUntilAsync(
            () => recorder.Posts<PostPublished>("prefixed-sent").Count >= 1 && recorder.Posts<PostPublished>("prefixed-admin").Count >= 1,
            "PostPublished for the post sent to the prefixed queue and the admin API's post", TimeSpan.FromSeconds(45));

        var queues = await QueuesAsync();
        Assert.Contains("acme.tw-refresh-due", queues);
        Assert.Contains("acme.tw-publish-post", queues);
        Assert.Contains("acme.tw-cancel-post", queues);
        // Whatever queue a consumer added later declares, and whatever the worker sent to, carries the prefix: nothing unprefixed.
        var others = queues.Where(q => q != RabbitMqWorkerEnvironment.OtherServiceQueue && !q.StartsWith("acme.tw-", StringComparison.Ordinal));
        Assert.Empty(others);
    }

    [Fact]
    public async Task Given_two_cluster_hosts_of_which_the_first_is_down_the_worker_connects_through_the_second()
    {
        await _environment.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Transport:RabbitMq:Host"] = "",
            ["Transport:RabbitMq:Hosts:0"] = $"127.0.0.1:{ClosedPort()}",
            ["Transport:RabbitMq:Hosts:1"] = $"localhost:{_environment.Broker.Port}",
        });
        await _environment.ConnectAsync("cluster-poster", TimeSpan.FromDays(60));

        var endpoint = await _environment.OtherServiceBus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"));
        await endpoint.Send(new PublishPost { PostId = "cluster-post", ConnectionId = "cluster-poster", Text = "Through the second node" }, Cancel);

        await PipelineHost.WaitUntilAsync(() => _environment.OtherService.Posts<PostPublished>("cluster-post").Count >= 1,
            "PostPublished from the worker connected through the second host", TimeSpan.FromSeconds(45));
        Assert.Contains("tokenworkers-publish-post", await QueuesAsync());
    }

    private async Task<List<string>> QueuesAsync() =>
        [.. (await _environment.Broker.ListQueuesAsync(_environment.VirtualHost))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("name\t", StringComparison.Ordinal))
            .Select(line => line.Split('\t')[0])];

    private static HttpClient AdminClient(WebApplication worker)
    {
        var address = worker.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var http = new HttpClient { BaseAddress = new Uri(address.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        return http;
    }

    /// <summary>A port nothing listens on: taken from the system, then released.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
