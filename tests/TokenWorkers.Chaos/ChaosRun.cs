using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using TokenWorkers.Contracts;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Chaos;

/// <summary>
/// One run: a private broker, the sandbox, N worker processes on one SQLite file, a sender and a subscriber process; the seeded
/// schedule of faults while posts flow; a drain with the faults off; then the evidence, gathered for the invariants.
/// </summary>
internal sealed partial class ChaosRun(ChaosOptions options, string workDirectory) : IDisposable
{
    private const string ClientId = "tw-chaos";
    private const string TenantId = "chaos";

    // Fresh per run: nothing a reader of this file could know, and each is searched for in every output afterwards.
    private readonly string _clientSecret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
    private readonly string _encryptionKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string _stateKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly List<(string Kind, string Value)> _secrets = [];
    private readonly List<SeededConnection> _connections = [];
    private readonly Dictionary<string, DateTimeOffset> _revoked = [];
    private readonly List<SentPost> _posts = [];
    private readonly Dictionary<string, int> _faults = [];
    private readonly List<string> _stepFailures = [];
    private int _brokerRestarts;

    public TimeSpan DrainTime { get; private set; }

    public IReadOnlyDictionary<string, int> Faults => _faults;

    public int BrokerRestarts => _brokerRestarts;

    public IReadOnlyList<string> StepFailures => _stepFailures;

    public IReadOnlyList<string> RestartFailures { get; private set; } = [];

    public async Task<Evidence> RunAsync(CancellationToken cancellationToken)
    {
        await using var broker = await RabbitMqBroker.StartNodeAsync();
        var virtualHost = await broker.CreateVirtualHostAsync();
        Log($"broker 127.0.0.1:{broker.Port}, virtual host {virtualHost}");
        await using var sandbox = await SandboxProcess.StartAsync(options.Instances, new Dictionary<string, string>
        {
            ["AccessTokenLifetime"] = options.AccessTokenLifetime.ToString("c", CultureInfo.InvariantCulture),
            ["RefreshTokenLifetime"] = options.RefreshTokenLifetime.ToString("c", CultureInfo.InvariantCulture),
        }, cancellationToken);
        await sandbox.PostAsync("_sandbox/apps", new
        {
            clientId = ClientId,
            clientSecret = _clientSecret,
            programmaticRefresh = true,
            redirectUris = new[] { new Uri(MemberBrowser.PublicBaseUrl, "connect/linkedin/callback").ToString() },
        }, cancellationToken);
        _secrets.Add(("the client secret", _clientSecret));
        _secrets.Add(("the encryption key", _encryptionKey));
        _secrets.Add(("the connect flow's state key", _stateKey));
        Log($"sandbox {sandbox.Control} (access tokens {options.AccessTokenLifetime.TotalSeconds:0} s, refresh tokens {options.RefreshTokenLifetime.TotalSeconds:0} s)");

        var settings = Enumerable.Range(0, options.Instances).Select(slot => WorkerSettings(broker, virtualHost, sandbox.Slots[slot])).ToArray();
        await using var store = await ChaosStore.OpenAsync(settings[0], cancellationToken);
        Log($"store: {settings[0].GetValueOrDefault("Storage:Provider") ?? "Sqlite"}");
        await using var services = await OtherServices.StartAsync(broker, virtualHost, workDirectory, cancellationToken);
        await ConnectWaveAsync(sandbox, store, 0, cancellationToken);

        await using var fleet = new WorkerFleet(slot => settings[slot], options.Instances);
        await fleet.StartAllAsync(cancellationToken);
        Log($"{options.Instances} workers up; chaos for {options.Duration.TotalSeconds:0} s");

        var started = Stopwatch.StartNew();
        var sender = SendPostsAsync(services, started, cancellationToken);
        var background = new List<Task>();
        foreach (var step in ChaosPlan.For(options))
        {
            var wait = step.At - started.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            try
            {
                background.Add(await ApplyAsync(step, new Parts(broker, sandbox, store, fleet, services), cancellationToken));
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                _stepFailures.Add($"{step}: {ex.Message.Split('\n')[0]}");
            }
        }

        await sender;
        await Task.WhenAll(background);
        await sandbox.DeleteAsync("_sandbox/faults", cancellationToken);
        await fleet.SettleAsync();
        await services.SettleAsync();
        Log($"chaos over after {started.Elapsed.TotalSeconds:0} s: {fleet.Kills.Count} kills, {services.SubscriberKills} subscriber kills, " +
            $"{_brokerRestarts} broker restarts; draining");
        var drain = Stopwatch.StartNew();
        await DrainAsync(services, store, cancellationToken);
        DrainTime = drain.Elapsed;
        Log($"drained in {DrainTime.TotalSeconds:0} s");

        var outputs = fleet.StopAll().Append(("sandbox", sandbox.Output)).Concat(services.Outputs()).ToList();
        RestartFailures = fleet.RestartFailures;
        return await GatherAsync(broker, virtualHost, sandbox, store, services, fleet.Kills, outputs, cancellationToken);
    }

    /// <summary>What the run's steps act on.</summary>
    private sealed record Parts(RabbitMqBroker Broker, SandboxProcess Sandbox, ChaosStore Store, WorkerFleet Fleet, OtherServices Services);

    private async Task<Task> ApplyAsync(ChaosStep step, Parts parts, CancellationToken cancellationToken)
    {
        var (broker, sandbox, store, fleet, services) = parts;
        switch (step)
        {
            case KillWorker kill:
                if (fleet.KillAndRestart(kill.Slot, cancellationToken) is { } dealt)
                {
                    Log($"SIGKILL slot {dealt.Slot} (pid {dealt.ProcessId})");
                }

                break;
            case KillSubscriber:
                if (services.KillSubscriber(cancellationToken))
                {
                    Log("SIGKILL the subscriber");
                    Count("subscriber killed", 1);
                }

                break;
            case RestartBroker restart:
                Log($"broker restart ({restart.Downtime.TotalSeconds:0} s down)");
                _brokerRestarts++;
                return broker.RestartAsync(restart.Downtime);
            case SandboxFaultStep fault:
                await sandbox.PostAsync("_sandbox/faults",
                    new { endpoint = fault.Endpoint, fault = fault.Fault, count = fault.Count, delayMs = fault.DelayMs }, cancellationToken);
                Count($"{fault.Endpoint} {fault.Fault}", fault.Count);
                break;
            case RefreshTokenQuirk quirk:
                await sandbox.PostAsync($"_sandbox/refresh/{quirk.Kind}", new { }, cancellationToken);
                Count($"refresh token {quirk.Kind}", 1);
                break;
            case RevokeGrant revoke:
                var target = _connections[revoke.ConnectionIndex % _connections.Count];
                if (_revoked.TryAdd(target.ConnectionId, DateTimeOffset.UtcNow))
                {
                    await sandbox.PostAsync($"_sandbox/members/{target.MemberSub}/revoke-app", new { clientId = ClientId }, cancellationToken);
                    Log($"member of {target.ConnectionId} revokes the app");
                    Count("member revokes the app", 1);
                    if (revoke.ReconnectAfter is { } after)
                    {
                        return ReconnectLaterAsync(target, after, parts, cancellationToken);
                    }
                }

                break;
            case ConnectWave wave:
                await ConnectWaveAsync(sandbox, store, wave.Wave, cancellationToken);
                break;
        }

        return Task.CompletedTask;
    }

    private void Count(string fault, int count) => _faults[fault] = _faults.GetValueOrDefault(fault) + count;

    private async Task ConnectWaveAsync(SandboxProcess sandbox, ChaosStore store, int wave, CancellationToken cancellationToken)
    {
        for (var i = 0; i < options.ConnectionsPerWave; i++)
        {
            var connectionId = $"c-{wave}-{i:D2}";
            var member = await sandbox.PostAsync("_sandbox/members", new { name = $"Chaos Member {wave}-{i}" }, cancellationToken);
            var sub = member.GetProperty("sub").GetString()!;
            var (body, grantId) = await sandbox.SeedGrantAsync(ClientId, sub, cancellationToken);
            using (var tokens = JsonDocument.Parse(body))
            {
                _secrets.Add(($"an access token of {connectionId}", tokens.RootElement.GetProperty("access_token").GetString()!));
                _secrets.Add(($"a refresh token of {connectionId}", tokens.RootElement.GetProperty("refresh_token").GetString()!));
            }

            await store.InsertAsync(connectionId, TenantId, sub, body, cancellationToken);
            lock (_connections)
            {
                _connections.Add(new SeededConnection(connectionId, grantId, sub, wave, DateTimeOffset.UtcNow));
            }
        }

        Log($"wave {wave}: {options.ConnectionsPerWave} members connected");
    }

    private async Task SendPostsAsync(OtherServices services, Stopwatch started, CancellationToken cancellationToken)
    {
        var random = ChaosPlan.SenderRandom(options);
        var n = 0;
        while (started.Elapsed < options.Duration)
        {
            await Task.Delay(options.PostEvery, cancellationToken);
            SentPost post;
            var confirmed = _posts.Where(p => p.Confirmed).ToArray();
            if (confirmed.Length > 0 && random.NextDouble() < 0.15)
            {
                post = confirmed[random.Next(confirmed.Length)];
            }
            else
            {
                SeededConnection[] connected;
                lock (_connections)
                {
                    connected = [.. _connections];
                }

                var postId = $"p-{options.Seed}-{++n:D5}";
                post = new SentPost(postId, connected[random.Next(connected.Length)].ConnectionId, Invariants.TextFor(postId, n));
                _posts.Add(post);
            }

            post.Sends++;
            var command = new PublishPost { PostId = post.PostId, ConnectionId = post.ConnectionId, TenantId = TenantId, Text = post.Text };
            post.Confirmed |= await services.SendAsync(command, cancellationToken);
        }
    }

    private static void Log(string line) => Console.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] {line}");
}
