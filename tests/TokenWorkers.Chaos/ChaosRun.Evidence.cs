using System.Diagnostics;
using System.Text.Json;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Chaos;

/// <summary>The run's end: waiting until every post has settled, then reading what each witness recorded.</summary>
internal sealed partial class ChaosRun
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// With the faults off and every slot up, waits (at least 15 s, at most the drain limit) until every post has an
    /// outcome or a reason to wait that the run cannot end, and no connection has events still to publish.
    /// </summary>
    private async Task DrainAsync(OtherServices services, ChaosStore store, CancellationToken cancellationToken)
    {
        var drain = Stopwatch.StartNew();
        while (drain.Elapsed < options.DrainLimit)
        {
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            var outcomes = services.Log.PostDeliveries().Select(p => p.PostId).ToHashSet();
            var waiting = 0;
            foreach (var post in _posts.Where(p => !outcomes.Contains(p.PostId)))
            {
                var entry = await store.FindPostAsync(post.PostId, cancellationToken);
                if (!Settled(post, entry))
                {
                    waiting++;
                }
            }

            var pending = (await store.AllConnectionsAsync(cancellationToken)).Count(c => c.PendingEvents.Count > 0);
            if (waiting == 0 && pending == 0 && drain.Elapsed > TimeSpan.FromSeconds(15))
            {
                return;
            }
        }
    }

    private static bool Settled(SentPost post, PostEntry? entry) => entry switch
    {
        null => !post.Confirmed,
        { State: PostState.AwaitingReauth } => true,
        { LastError.Class: FailureClass.RateLimited } => true,
        _ => false,
    };

    private async Task<Evidence> GatherAsync(RabbitMqBroker broker, string virtualHost, SandboxProcess sandbox, ChaosStore store, OtherServices services,
        IReadOnlyList<Kill> kills, IReadOnlyList<(string Name, string Output)> outputs, CancellationToken cancellationToken)
    {
        var requests = await sandbox.GetAsync("_sandbox/requests", cancellationToken);
        var calls = requests.GetProperty("requests").Deserialize<SandboxCall[]>(Json)!;
        var created = (await sandbox.GetAsync("_sandbox/posts", cancellationToken)).Deserialize<SandboxPostView[]>(Json)!;
        var grants = (await sandbox.GetAsync($"_sandbox/grants?clientId={ClientId}", cancellationToken)).Deserialize<SandboxGrantView[]>(Json)!;
        var stored = await store.AllConnectionsAsync(cancellationToken);
        var ledger = new Dictionary<string, PostEntry?>();
        foreach (var post in _posts)
        {
            ledger[post.PostId] = await store.FindPostAsync(post.PostId, cancellationToken);
        }

        foreach (var connection in stored)
        {
            foreach (var (kind, token) in new[] { ("an access token", connection.AccessToken), ("a refresh token", connection.RefreshToken) })
            {
                if (token is not null)
                {
                    _secrets.Add(($"{kind} of {connection.ConnectionId}", token.Reveal()));
                }
            }
        }

        var slotByHost = sandbox.Slots.Select((uri, slot) => (Host: $"{uri.Host}:{uri.Port}", Slot: slot)).ToDictionary(x => x.Host, x => x.Slot);
        return new Evidence
        {
            Options = options,
            Kills = kills,
            SlotByHost = slotByHost,
            Connections = _connections,
            Revoked = _revoked,
            Posts = _posts,
            Calls = calls,
            CreatedPosts = created,
            Grants = grants,
            Stored = stored,
            Ledger = ledger,
            ConnectionEvents = services.Log.ConnectionEvents(),
            PostEvents = services.Log.PostDeliveries(),
            Reconnections = _reconnections,
            Outputs = outputs,
            Secrets = _secrets,
            ErrorMessages = await ErrorQueues.ReadAsync(broker, virtualHost, cancellationToken),
            EndedAt = DateTimeOffset.UtcNow,
        };
    }
}
