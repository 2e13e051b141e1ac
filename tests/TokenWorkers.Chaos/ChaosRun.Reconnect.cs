using System.Text.Json;
using TokenWorkers.Contracts;

namespace TokenWorkers.Chaos;

/// <summary>Members who revoked the app coming back through the connect flow mid-run, as a person would.</summary>
internal sealed partial class ChaosRun
{
    private readonly List<Reconnection> _reconnections = [];

    // LinkedIn's consent screen is one person at a time in the sandbox: who signs in is a setting of the whole sandbox.
    private readonly SemaphoreSlim _consentScreen = new(1, 1);

    /// <summary>
    /// Waits <paramref name="after"/>, then for the ReauthRequired the revocation causes (the worker notices at its next
    /// refresh), and follows that event's reconnect link as the member; a worker killed mid-flow means trying again.
    /// </summary>
    private async Task ReconnectLaterAsync(SeededConnection target, TimeSpan after, Parts parts, CancellationToken cancellationToken)
    {
        await Task.Delay(after, cancellationToken);
        var deadline = DateTimeOffset.UtcNow + options.AccessTokenLifetime + TimeSpan.FromSeconds(60);
        ReauthRequired? reauth;
        while ((reauth = parts.Services.Log.ConnectionEvents().OfType<ReauthRequired>()
                   .LastOrDefault(r => r.ConnectionId == target.ConnectionId && r.ReconnectUrl is not null)) is null)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                _stepFailures.Add($"reconnect of {target.ConnectionId}: no ReauthRequired with a reconnect link reached the subscriber");
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }

        await _consentScreen.WaitAsync(cancellationToken);
        try
        {
            var before = (await GrantsOfAsync(parts.Sandbox, target.MemberSub, cancellationToken)).Select(g => g.GrantId).ToHashSet();
            await parts.Sandbox.PutAsync("_sandbox/authorization", new { decision = "consent", memberSub = target.MemberSub }, cancellationToken);
            using var browser = new MemberBrowser(parts.Fleet.AnyRunning);
            // The member tries again for a while: every instance can be down at once while kills and restarts overlap.
            var giveUpAt = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await browser.ReconnectAsync(reauth.ReconnectUrl!, cancellationToken);
                    break;
                }
                catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    if (DateTimeOffset.UtcNow > giveUpAt)
                    {
                        _stepFailures.Add($"reconnect of {target.ConnectionId} ({attempt} tries): {ex.Message.Split('\n')[0]}");
                        return;
                    }

                    await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
                }
            }

            // A try whose answer was lost may have made a grant too; the last one made is the one the worker stored last.
            var grant = (await GrantsOfAsync(parts.Sandbox, target.MemberSub, cancellationToken)).LastOrDefault(g => !g.IsRevoked && !before.Contains(g.GrantId))
                ?? throw new InvalidOperationException($"The reconnect of {target.ConnectionId} made no new grant at the sandbox.");
            lock (_reconnections)
            {
                _reconnections.Add(new Reconnection(target.ConnectionId, grant.GrantId, DateTimeOffset.UtcNow));
            }

            Log($"member of {target.ConnectionId} reconnects (grant {grant.GrantId})");
            Count("member reconnects", 1);
        }
        finally
        {
            _consentScreen.Release();
        }
    }

    private static async Task<SandboxGrantView[]> GrantsOfAsync(SandboxProcess sandbox, string memberSub, CancellationToken cancellationToken) =>
        (await sandbox.GetAsync($"_sandbox/grants?clientId={ClientId}&memberSub={Uri.EscapeDataString(memberSub)}", cancellationToken))
        .Deserialize<SandboxGrantView[]>(Json)!;

    public void Dispose() => _consentScreen.Dispose();
}
