using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.LinkedIn;
using TokenWorkers.Refresh;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Refresh;

/// <summary>
/// Once LinkedIn has answered a refresh, the answer is stored whatever happens to the caller: a cancellation (a consumer
/// stopping for a deploy, an admin client hanging up), a store that fails a few times, an absurd lifetime in the body.
/// When LinkedIn rotated the refresh token, dropping its answer would leave a dead token stored.
/// </summary>
public sealed class AnsweredRefreshTests
{
    [Fact]
    public async Task A_cancellation_after_LinkedIn_answered_still_stores_the_rotated_tokens()
    {
        using var caller = new CancellationTokenSource();
        await using var host = await PipelineHost.StartAsync(configureServices: services =>
            services.AddHttpClient<LinkedInOAuthClient>().AddHttpMessageHandler(() => CallHook.OnEveryAnswer(_ => caller.Cancel())));
        var (_, grant) = await host.ConnectAsync("c-cancelled");
        host.Sandbox.Control.RotateNextRefreshToken(grant.GrantId);
        host.Advance(TimeSpan.FromDays(55));

        var (outcome, _) = await RefreshAsync(host, "c-cancelled", caller.Token);

        Assert.True(caller.IsCancellationRequested);
        Assert.Equal(RefreshOutcome.Refreshed, outcome);
        var stored = await host.GetAsync("c-cancelled");
        Assert.Equal(host.Sandbox.Control.FindGrant(grant.GrantId)!.RefreshTokenFingerprint, stored.RefreshToken!.Fingerprint);
        Assert.Null(stored.Lease);
        Assert.Single(host.Events.Deliveries.OfType<TokenRefreshed>(), e => e.ConnectionId == "c-cancelled");

        // The next due refresh uses the rotated token, which LinkedIn accepts: nobody is asked to log in again.
        host.Advance(TimeSpan.FromDays(55));
        Assert.Equal(RefreshOutcome.Refreshed, (await host.RefreshAsync("c-cancelled")).Outcome);
        Assert.Empty(host.Events.Deliveries.OfType<ReauthRequired>());
    }

    [Fact]
    public async Task A_store_failing_twice_after_LinkedIn_answered_is_retried_and_the_tokens_are_stored()
    {
        var failing = new FailingUpdates(failures: 2);
        await using var host = await PipelineHost.StartAsync(configureServices: services =>
            services.AddSingleton<IAggregateStore<Connection>>(sp => failing.Wrap(sp.GetRequiredService<IConnectionStore>())));
        var (_, grant) = await host.ConnectAsync("c-flaky-store");
        host.Sandbox.Control.RotateNextRefreshToken(grant.GrantId);
        host.Advance(TimeSpan.FromDays(55));
        failing.Arm();

        var (outcome, _) = await host.RefreshAsync("c-flaky-store");

        Assert.Equal(RefreshOutcome.Refreshed, outcome);
        Assert.Equal(0, failing.Remaining);
        var stored = await host.GetAsync("c-flaky-store");
        Assert.Equal(host.Sandbox.Control.FindGrant(grant.GrantId)!.RefreshTokenFingerprint, stored.RefreshToken!.Fingerprint);
        Assert.Equal(1, host.RefreshExchanges(grant.GrantId));
    }

    [Fact]
    public async Task An_answer_that_cannot_be_stored_is_logged_critically_with_fingerprints_and_never_the_tokens()
    {
        var failing = new FailingUpdates(failures: int.MaxValue);
        await using var host = await PipelineHost.StartAsync(configureServices: services =>
            services.AddSingleton<IAggregateStore<Connection>>(sp => failing.Wrap(sp.GetRequiredService<IConnectionStore>())));
        var (connection, grant) = await host.ConnectAsync("c-store-down");
        host.Sandbox.Control.RotateNextRefreshToken(grant.GrantId);
        host.Advance(TimeSpan.FromDays(55));
        failing.Arm();

        await Assert.ThrowsAnyAsync<IOException>(() => host.RefreshAsync("c-store-down"));

        var critical = Assert.Single(host.Logs.Lines, l => l.StartsWith("Critical", StringComparison.Ordinal));
        Assert.Contains("c-store-down", critical, StringComparison.Ordinal);
        Assert.Contains(connection.RefreshToken!.Fingerprint, critical, StringComparison.Ordinal);
        Assert.Contains(host.Sandbox.Control.FindGrant(grant.GrantId)!.RefreshTokenFingerprint!, critical, StringComparison.Ordinal);
        // Three attempts of the answer writer, each trying the write three times (the one writer's own retries of a write
        // that a re-read shows was not stored).
        Assert.Equal(3 * 3, failing.Attempts);
        Assert.DoesNotContain(connection.RefreshToken.Reveal(), host.Logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(grant.AccessToken, host.Logs.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("99999999999999999999")]
    [InlineData("1e300")]
    [InlineData("9223372036854775807")]
    public async Task An_absurd_lifetime_in_an_answer_with_tokens_is_cut_to_the_documented_maximum_and_the_tokens_stored(string seconds)
    {
        await using var host = await PipelineHost.StartAsync(configureServices: services =>
            services.AddHttpClient<LinkedInOAuthClient>().AddHttpMessageHandler(() => CallHook.OnEveryAnswer(response =>
            {
                var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                var absurd = System.Text.RegularExpressions.Regex.Replace(body, "\"(refresh_token_)?expires_in\":\\d+", m => $"\"{m.Groups[1].Value}expires_in\":{seconds}");
                response.Content = new StringContent(absurd, System.Text.Encoding.UTF8, "application/json");
            })));
        var (_, grant) = await host.ConnectAsync("c-absurd");
        host.Sandbox.Control.RotateNextRefreshToken(grant.GrantId);
        host.Advance(TimeSpan.FromDays(55));
        var hardEnd = (await host.GetAsync("c-absurd")).RefreshTokenExpiresAt;

        var (outcome, _) = await host.RefreshAsync("c-absurd");

        Assert.Equal(RefreshOutcome.Refreshed, outcome);
        var stored = await host.GetAsync("c-absurd");
        Assert.Equal(host.Sandbox.Control.FindGrant(grant.GrantId)!.RefreshTokenFingerprint, stored.RefreshToken!.Fingerprint);
        Assert.Equal(host.Now + TimeSpan.FromDays(60), stored.AccessTokenExpiresAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(hardEnd, stored.RefreshTokenExpiresAt);
        Assert.Null(stored.Lease);
        Assert.Contains(host.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("cut to 60 days", StringComparison.Ordinal));
    }

    private static async Task<(RefreshOutcome Outcome, Connection? Connection)> RefreshAsync(PipelineHost host, string connectionId, CancellationToken cancellationToken)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ConnectionRefresher>()
            .RefreshAsync(connectionId, AttemptTrigger.Scheduled, cancellationToken);
        await host.Activity.SettleAsync();
        return result;
    }
}

/// <summary>A connection store whose updates fail with an I/O error a given number of times once armed (a disk or a network hiccup).</summary>
internal sealed class FailingUpdates(int failures)
{
    private int _remaining = failures;
    private int _attempts;
    private volatile bool _armed;

    public int Remaining => Math.Max(0, Volatile.Read(ref _remaining));

    public int Attempts => Volatile.Read(ref _attempts);

    public void Arm() => _armed = true;

    public IAggregateStore<Connection> Wrap(IConnectionStore inner) => new Store(this, inner);

    private bool ShouldFail(Connection updated)
    {
        // Only the write that stores LinkedIn's answer: the one that gives the lease back.
        if (!_armed || updated.Lease is not null)
        {
            return false;
        }

        Interlocked.Increment(ref _attempts);
        return Interlocked.Decrement(ref _remaining) >= 0;
    }

    private sealed class Store(FailingUpdates owner, IConnectionStore inner) : IAggregateStore<Connection>
    {
        public Task<Connection?> FindAsync(string id, CancellationToken cancellationToken) => inner.FindAsync(id, cancellationToken);

        public Task<Connection?> TryInsertAsync(Connection aggregate, CancellationToken cancellationToken) => inner.TryInsertAsync(aggregate, cancellationToken);

        public Task<Connection?> TryUpdateAsync(Connection updated, long expectedVersion, CancellationToken cancellationToken) =>
            owner.ShouldFail(updated) ? throw new IOException("disk I/O error (injected)") : inner.TryUpdateAsync(updated, expectedVersion, cancellationToken);

        public Task<bool> TryClearPendingEventsAsync(string id, long expectedVersion, CancellationToken cancellationToken) =>
            inner.TryClearPendingEventsAsync(id, expectedVersion, cancellationToken);

        public Task<ReadBatch<Connection>> FindWithPendingEventsAsync(DateTimeOffset createdAtOrBefore, int limit, CancellationToken cancellationToken) =>
            inner.FindWithPendingEventsAsync(createdAtOrBefore, limit, cancellationToken);
    }
}
