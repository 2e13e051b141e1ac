using System.Diagnostics;
using System.Net.Http.Headers;
using MassTransit;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;

namespace TokenWorkers.Benchmarks;

/// <summary>Case 7: posts end to end with fresh tokens, and what the pipeline adds to one bare call to the sandbox.</summary>
public static class PostingCase
{
    private static int _run;

    /// <summary>
    /// PublishPost sent for <paramref name="count"/> connections at once; posts per second until the last PostPublished,
    /// and the CPU and store writes of the sends and posts (the seeding before them is not counted).
    /// </summary>
    public static async Task<(double PostsPerSecond, RunCost Cost)> PostsPerSecondAsync(BenchHarness harness, int count, CancellationToken cancellationToken)
    {
        var run = Interlocked.Increment(ref _run);
        var connections = await harness.SeedAsync(count);
        var endpoint = await harness.Environment.OtherServiceBus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"));
        var postIds = connections.Select((c, i) => $"bench-post-{run}-{i}").ToArray();
        var meter = await CostMeter.StartAsync(harness.Database);
        var start = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, token) =>
            await endpoint.Send(new PublishPost { PostId = postIds[i], ConnectionId = connections[i].ConnectionId, Text = $"Benchmark post {postIds[i]}" }, token));
        await harness.WaitForPostsAsync(postIds, TimeSpan.FromMinutes(5));
        var rate = count / Stopwatch.GetElapsedTime(start, harness.LatestArrivalOfPosts(postIds)).TotalSeconds;
        return (rate, await meter.StopAsync());
    }

    /// <summary>Median of one post at a time end to end, minus the median of one bare ugcPosts call; milliseconds.</summary>
    public static async Task<(double EndToEndMs, double BareMs)> OverheadAsync(BenchHarness harness, int count, CancellationToken cancellationToken)
    {
        var run = Interlocked.Increment(ref _run);
        var sandbox = harness.Environment.Sandbox;
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        var bare = new List<double>();
        var member = sandbox.Control.CreateMember();
        var grant = sandbox.Control.SeedGrant(Tests.RabbitMq.RabbitMqWorkerEnvironment.ClientId, member.Sub, "openid", "profile", "w_member_social");
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v2/ugcPosts")
            {
                Content = new StringContent(
                    $$$"""{"author":"urn:li:person:{{{member.Sub}}}","lifecycleState":"PUBLISHED","specificContent":{"com.linkedin.ugc.ShareContent":{"shareCommentary":{"text":"Bare {{{run}}}-{{{i}}}"},"shareMediaCategory":"NONE"}},"visibility":{"com.linkedin.ugc.MemberNetworkVisibility":"PUBLIC"}}""",
                    new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", grant.AccessToken);
            request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
            var start = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, cancellationToken);
            bare.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            if ((int)response.StatusCode != 201)
            {
                throw new InvalidOperationException($"The bare post was answered {(int)response.StatusCode}.");
            }
        }

        // One connection, already used once, so every measured post has a fresh token and a known author.
        var connection = (await harness.SeedAsync(1))[0];
        var endpoint = await harness.Environment.OtherServiceBus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"));
        var endToEnd = new List<double>();
        for (var i = -1; i < count; i++)
        {
            var postId = $"bench-seq-{run}-{i}";
            var start = Stopwatch.GetTimestamp();
            await endpoint.Send(new PublishPost { PostId = postId, ConnectionId = connection.ConnectionId, Text = $"Sequential {postId}" }, cancellationToken);
            var arrived = await harness.ArrivalOfPostAsync(postId, TimeSpan.FromMinutes(1));
            if (i >= 0)
            {
                endToEnd.Add(Stopwatch.GetElapsedTime(start, arrived).TotalMilliseconds);
            }
        }

        return (Samples.Percentile(endToEnd, 50), Samples.Percentile(bare, 50));
    }
}
