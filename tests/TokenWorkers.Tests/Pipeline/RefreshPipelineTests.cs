using Microsoft.Extensions.DependencyInjection;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Outbox;
using TokenWorkers.Refresh;
using TokenWorkers.Sandbox;

namespace TokenWorkers.Tests.Pipeline;

public sealed class RefreshPipelineTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await PipelineHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_scan_before_the_refresh_window_dispatches_nothing()
    {
        var (connection, grant) = await _host.ConnectAsync("c-early");
        _host.Advance(TimeSpan.FromDays(49));

        var scan = await _host.ScanAsync();

        Assert.Equal(0, scan.Claimed);
        Assert.Equal(0, _host.RefreshExchanges(grant.GrantId));
        Assert.Equal(connection.AccessTokenExpiresAt, (await _host.GetAsync("c-early")).AccessTokenExpiresAt);
    }

    [Fact]
    public async Task A_due_connection_is_refreshed_once_with_the_right_new_expiry()
    {
        var (connection, grant) = await _host.ConnectAsync("c-due");
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));
        var refreshedAt = _host.Now;

        var scan = await _host.ScanAsync();
        await _host.ScanAsync();

        Assert.Equal(1, scan.Claimed);
        Assert.Equal(1, _host.RefreshExchanges(grant.GrantId));
        var stored = await _host.GetAsync("c-due");
        Assert.Equal(refreshedAt.AddDays(60), stored.AccessTokenExpiresAt!.Value, TimeSpan.FromSeconds(1));
        Assert.Equal(connection.RefreshTokenExpiresAt, stored.RefreshTokenExpiresAt);
        Assert.NotEqual(connection.AccessToken, stored.AccessToken);
        Assert.Equal(connection.RefreshToken, stored.RefreshToken);
        Assert.Equal(stored.AccessTokenExpiresAt - TimeSpan.FromDays(10), stored.NextRefreshAt);
        Assert.Null(stored.Lease);
        Assert.Empty(stored.PendingEvents);
        var refreshed = Assert.Single(_host.Events.Of<TokenRefreshed>("c-due"));
        Assert.Equal(stored.AccessTokenExpiresAt, refreshed.AccessTokenExpiresAt);
        Assert.Equal("tenant-1", refreshed.TenantId);
        Assert.True(refreshed.Version > connection.Version);
        Assert.False(refreshed.RefreshTokenRotated);
        Assert.Empty(_host.Events.Of<ReauthRequired>());
    }

    [Fact]
    public async Task A_revoked_grant_gives_exactly_one_ReauthRequired_and_keeps_the_tokens()
    {
        var (connection, grant) = await _host.ConnectAsync("c-revoked");
        _host.Sandbox.Control.RevokeGrant(grant.GrantId);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await _host.ScanAsync();
        _host.Advance(TimeSpan.FromDays(1));
        await _host.ScanAsync();

        var reauth = Assert.Single(_host.Events.Of<ReauthRequired>("c-revoked"));
        Assert.Equal(ReauthReason.GrantRejected, reauth.Reason);
        Assert.Equal(FailureClass.Reauth, reauth.FailureClass);
        Assert.Equal("invalid_request", reauth.ErrorCode);
        Assert.Equal(connection.AccessTokenExpiresAt, reauth.Deadline);
        var stored = await _host.GetAsync("c-revoked");
        Assert.Equal(ConnectionStatus.ReauthRequired, stored.Status);
        Assert.Null(stored.NextRefreshAt);
        Assert.Equal(connection.AccessToken, stored.AccessToken);
        Assert.Equal(connection.RefreshToken, stored.RefreshToken);
        Assert.Equal(1, _host.Sandbox.Control.Requests.Count(r => r.GrantId == grant.GrantId && r.Endpoint == SandboxEndpoint.AccessToken));
    }

    [Theory]
    [InlineData(RefreshTokenError.InvalidRequest, "invalid_request")]
    [InlineData(RefreshTokenError.InvalidGrant, "invalid_grant")]
    public async Task An_expired_refresh_token_gives_exactly_one_ReauthRequired_in_either_error_style(RefreshTokenError style, string errorCode)
    {
        _host.Sandbox.Control.SetRefreshTokenError(style);
        var (_, grant) = await _host.ConnectAsync("c-expired");
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));
        _host.Sandbox.Control.ExpireGrant(grant.GrantId);

        await _host.ScanAsync();
        await _host.ScanAsync();

        var reauth = Assert.Single(_host.Events.Of<ReauthRequired>("c-expired"));
        Assert.Equal(errorCode, reauth.ErrorCode);
    }

    [Fact]
    public async Task A_rotated_refresh_token_is_stored_and_announced()
    {
        var (connection, grant) = await _host.ConnectAsync("c-rotated");
        _host.Sandbox.Control.RotateNextRefreshToken(grant.GrantId);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await _host.ScanAsync();

        var stored = await _host.GetAsync("c-rotated");
        Assert.NotNull(stored.RefreshToken);
        Assert.NotEqual(connection.RefreshToken, stored.RefreshToken);
        Assert.Equal(stored.RefreshToken!.Fingerprint, _host.Sandbox.Control.FindGrant(grant.GrantId)!.RefreshTokenFingerprint);
        Assert.True(Assert.Single(_host.Events.Of<TokenRefreshed>("c-rotated")).RefreshTokenRotated);

        // The next period must work with the rotated token: the old one is dead at the sandbox.
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));
        await _host.ScanAsync();
        Assert.Equal(2, _host.RefreshExchanges(grant.GrantId));
        Assert.Empty(_host.Events.Of<ReauthRequired>());
    }

    [Fact]
    public async Task An_omitted_refresh_token_keeps_the_stored_one()
    {
        var (connection, grant) = await _host.ConnectAsync("c-omitted");
        _host.Sandbox.Control.OmitNextRefreshToken(grant.GrantId);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await _host.ScanAsync();

        var stored = await _host.GetAsync("c-omitted");
        Assert.Equal(connection.RefreshToken, stored.RefreshToken);
        Assert.Equal(connection.RefreshTokenExpiresAt, stored.RefreshTokenExpiresAt);
        Assert.NotEqual(connection.AccessToken, stored.AccessToken);
        Assert.Single(_host.Events.Of<TokenRefreshed>("c-omitted"));
    }

    [Fact]
    public async Task A_transient_failure_keeps_the_tokens_backs_off_and_then_recovers()
    {
        var (connection, grant) = await _host.ConnectAsync("c-flaky");
        _host.Sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.ServiceUnavailable);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));
        var failedAt = _host.Now;

        await _host.ScanAsync();

        var failed = await _host.GetAsync("c-flaky");
        Assert.Equal(connection.AccessToken, failed.AccessToken);
        Assert.Equal(connection.RefreshToken, failed.RefreshToken);
        Assert.Equal(ConnectionStatus.Active, failed.Status);
        Assert.Equal(1, failed.FailureCount);
        Assert.Equal(FailureClass.Transient, failed.LastFailure?.Class);
        Assert.Null(failed.Lease);
        Assert.InRange(failed.NextRefreshAt!.Value, failedAt.AddSeconds(30), failedAt.AddMinutes(1));
        Assert.Empty(_host.Events.Of<TokenRefreshed>());

        _host.Advance(TimeSpan.FromMinutes(1));
        await _host.ScanAsync();

        var recovered = await _host.GetAsync("c-flaky");
        Assert.Equal(0, recovered.FailureCount);
        Assert.Null(recovered.LastFailure);
        Assert.Single(_host.Events.Of<TokenRefreshed>("c-flaky"));
        var recovery = Assert.Single(_host.Events.Of<ConnectionRecovered>("c-flaky"));
        Assert.Equal(FailureClass.Transient, recovery.PreviousFailureClass);
        Assert.Equal(failedAt, recovery.ProblemSince);
        Assert.Equal(1, _host.RefreshExchanges(grant.GrantId));
    }

    [Fact]
    public async Task A_500_then_success_is_retried_quickly_on_the_bus_and_the_token_is_never_lost()
    {
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?>
        {
            ["Refresh:QuickRetryCount"] = "2",
            ["Refresh:QuickRetryInterval"] = "00:00:00.050",
        });
        var (connection, grant) = await host.ConnectAsync("c-500");
        host.Sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.InternalServerError);
        host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await host.ScanAsync();
        await PipelineHost.WaitUntilAsync(() => host.Events.Of<ConnectionRecovered>("c-500").Count == 1, "the quick retry to succeed");

        var stored = await host.GetAsync("c-500");
        Assert.Equal(connection.RefreshToken, stored.RefreshToken);
        Assert.NotEqual(connection.AccessToken, stored.AccessToken);
        Assert.Equal(0, stored.FailureCount);
        Assert.Single(host.Events.Of<TokenRefreshed>("c-500"));
        Assert.Equal(1, host.RefreshExchanges(grant.GrantId));
        Assert.Equal(["500", null], host.Sandbox.Control.Requests.Where(r => r.Endpoint == SandboxEndpoint.AccessToken).Select(r => r.Fault));
    }

    [Fact]
    public async Task A_dropped_connection_after_LinkedIn_issued_tokens_is_transient_and_the_old_refresh_token_still_works()
    {
        var (connection, grant) = await _host.ConnectAsync("c-dropped");
        _host.Sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.DropAfterProcessing);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await _host.ScanAsync();
        Assert.Equal(connection.RefreshToken, (await _host.GetAsync("c-dropped")).RefreshToken);

        _host.Advance(TimeSpan.FromMinutes(2));
        await _host.ScanAsync();

        Assert.Single(_host.Events.Of<TokenRefreshed>("c-dropped"));
        Assert.Empty(_host.Events.Of<ReauthRequired>());
    }

    [Fact]
    public async Task A_rate_limit_waits_until_midnight_utc_and_keeps_the_tokens()
    {
        var (connection, _) = await _host.ConnectAsync("c-throttled");
        _host.Sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.TooManyRequests);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await _host.ScanAsync();

        var stored = await _host.GetAsync("c-throttled");
        Assert.Equal(FailureClass.RateLimited, stored.LastFailure?.Class);
        Assert.Equal(new DateTimeOffset(_host.Now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero), stored.NextRefreshAt);
        Assert.Equal(connection.AccessToken, stored.AccessToken);
    }

    [Fact]
    public async Task A_wrong_client_secret_is_a_configuration_failure_that_never_asks_members_to_log_in()
    {
        await using var host = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["LinkedIn:ClientSecret"] = "wrong-secret" });
        var (connection, _) = await host.ConnectAsync("c-misconfigured");
        host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await host.ScanAsync();

        var stored = await host.GetAsync("c-misconfigured");
        Assert.Equal(FailureClass.Configuration, stored.LastFailure?.Class);
        Assert.Equal("invalid_client", stored.LastFailure?.ErrorCode);
        Assert.Equal(ConnectionStatus.Active, stored.Status);
        Assert.Equal(connection.RefreshToken, stored.RefreshToken);
        Assert.Empty(host.Events.Of<ReauthRequired>());
        Assert.Contains(host.Logs.Lines, l => l.StartsWith("Critical", StringComparison.Ordinal) && l.Contains("LinkedIn:ClientSecret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_lost_race_is_not_mistaken_for_a_revocation()
    {
        var (connection, grant) = await _host.ConnectAsync("c-race");
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));
        // Our call reaches LinkedIn late: by then another instance has refreshed with rotation.
        _host.Sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.Delay(TimeSpan.FromSeconds(2)));
        _host.Sandbox.Control.RotateNextRefreshToken(grant.GrantId);

        var ours = _host.RefreshAsync("c-race");
        await PipelineHost.WaitUntilAsync(() => _host.Sandbox.Control.PendingFaults.Count == 0, "our call to reach LinkedIn");
        var theirs = await OtherInstanceRefreshesAsync(connection, grant.GrantId);

        var (outcome, stored) = await ours;

        Assert.Equal(RefreshOutcome.LostRace, outcome);
        Assert.Empty(_host.Events.Of<ReauthRequired>());
        Assert.Equal(ConnectionStatus.Active, stored!.Status);
        Assert.Equal(theirs, stored.RefreshToken);
        Assert.Null(stored.Lease);
    }

    /// <summary>Another worker exchanges the refresh token at LinkedIn and commits by compare-and-swap.</summary>
    private async Task<SecretToken> OtherInstanceRefreshesAsync(Connection connection, string grantId)
    {
        using var http = new HttpClient { BaseAddress = _host.Sandbox.BaseAddress };
        using var response = await http.PostAsync("oauth/v2/accessToken", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = connection.RefreshToken!.Reveal(),
            ["client_id"] = PipelineHost.ClientId,
            ["client_secret"] = PipelineHost.ClientSecret,
        }));
        response.EnsureSuccessStatusCode();
        var granted = Assert.IsType<TokenWorkers.Ports.TokenGranted>(TokenWorkers.LinkedIn.TokenResponseReader.Read(
            response.StatusCode, await response.Content.ReadAsStringAsync(), _host.Now));
        await _host.WriteAsync(connection.ConnectionId, c => c with
        {
            AccessToken = granted.AccessToken,
            RefreshToken = granted.RefreshToken ?? c.RefreshToken,
            AccessTokenExpiresAt = granted.AccessTokenExpiresAt,
        });
        Assert.Equal(1, _host.RefreshExchanges(grantId));
        return granted.RefreshToken!;
    }

    [Fact]
    public async Task A_shutdown_during_the_call_to_LinkedIn_releases_the_lease_and_keeps_the_tokens()
    {
        var (connection, _) = await _host.ConnectAsync("c-shutdown");
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));
        _host.Sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.Delay(TimeSpan.FromSeconds(5)));
        using var shutdown = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await using (var scope = _host.Services.CreateAsyncScope())
        {
            var refresher = scope.ServiceProvider.GetRequiredService<ConnectionRefresher>();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => refresher.RefreshAsync("c-shutdown", AttemptTrigger.Scheduled, shutdown.Token));
        }

        var stored = await _host.GetAsync("c-shutdown");
        Assert.Null(stored.Lease);
        Assert.Equal(connection.AccessToken, stored.AccessToken);
        Assert.Equal(connection.RefreshToken, stored.RefreshToken);
        Assert.Equal(RefreshOutcome.Refreshed, (await _host.RefreshAsync("c-shutdown")).Outcome);
    }

    [Fact]
    public async Task Racing_refreshers_exchange_exactly_once_per_due_period()
    {
        await using var host = await PipelineHost.StartAsync(sandboxSettings: new SandboxSettings { RefreshTokenLifetime = TimeSpan.FromDays(3650) });
        var (_, grant) = await host.ConnectAsync("c-contended");
        const int periods = 40;

        for (var period = 1; period <= periods; period++)
        {
            var stored = await host.GetAsync("c-contended");
            host.Time.SetUtcNow(stored.NextRefreshAt!.Value + TimeSpan.FromSeconds(1));
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => host.RefreshAsync("c-contended"))));

            Assert.Equal(1, outcomes.Count(o => o.Outcome == RefreshOutcome.Refreshed));
            Assert.All(outcomes, o => Assert.Contains(o.Outcome, new[] { RefreshOutcome.Refreshed, RefreshOutcome.NotDue, RefreshOutcome.Leased }));
            Assert.Equal(period, host.RefreshExchanges(grant.GrantId));
        }

        Assert.Equal(periods, host.Events.Of<TokenRefreshed>("c-contended").Count);
    }

    [Fact]
    public async Task Duplicate_RefreshDue_messages_on_the_bus_cause_one_exchange()
    {
        var (connection, grant) = await _host.ConnectAsync("c-duplicates");
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));
        var due = ConnectionEvents.RefreshDue(connection, connection.Version, _host.Now, RefreshTriggers.Scheduled);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _host.Bus.Publish(due)));
        await _host.Activity.SettleAsync();

        Assert.Equal(1, _host.RefreshExchanges(grant.GrantId));
        Assert.Single(_host.Events.Of<TokenRefreshed>("c-duplicates"));
    }

    [Fact]
    public async Task Events_left_in_the_outbox_by_a_crash_are_published_by_the_sweep()
    {
        var (connection, _) = await _host.ConnectAsync("c-crashed");
        var version = connection.Version + 1;
        // The state write happened, the process died before publishing: the event sits in the outbox.
        await _host.Store.TryUpdateAsync(connection.WithEvents(ConnectionEvents.ReauthSoon(
            connection, version, _host.Now, ReauthReason.RefreshTokenEnding, _host.Now.AddDays(30), 30, null)), connection.Version, CancellationToken.None);

        Assert.Equal(0, await _host.SweepAsync());
        _host.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await _host.SweepAsync());

        Assert.Single(_host.Events.Of<ReauthSoon>("c-crashed"));
        Assert.Empty((await _host.GetAsync("c-crashed")).PendingEvents);
        Assert.Equal(0, await _host.SweepAsync());
    }

    [Fact]
    public async Task A_connection_without_a_refresh_token_counts_down_to_one_ReauthRequired()
    {
        var (connection, grant) = await _host.ConnectAsync("c-selfserve", programmaticRefresh: false);
        Assert.Null(connection.RefreshToken);
        var expiry = connection.AccessTokenExpiresAt!.Value;

        foreach (var days in new[] { 30, 14, 7, 1 })
        {
            _host.Time.SetUtcNow(expiry - TimeSpan.FromDays(days) + TimeSpan.FromMinutes(1));
            await _host.ScanAsync();
            await _host.ScanAsync();
        }

        _host.Time.SetUtcNow(expiry + TimeSpan.FromMinutes(1));
        await _host.ScanAsync();
        _host.Advance(TimeSpan.FromDays(3));
        await _host.ScanAsync();

        var warnings = _host.Events.Of<ReauthSoon>("c-selfserve");
        Assert.Equal([30, 14, 7, 1], warnings.Select(w => w.DaysBefore));
        Assert.All(warnings, w => Assert.Equal((expiry, ReauthReason.NoRefreshToken), (w.Deadline, w.Reason)));
        var reauth = Assert.Single(_host.Events.Of<ReauthRequired>("c-selfserve"));
        Assert.Equal(ReauthReason.NoRefreshToken, reauth.Reason);
        Assert.Equal(0, _host.Sandbox.Control.Requests.Count(r => r.GrantId == grant.GrantId && r.Endpoint == SandboxEndpoint.AccessToken));
    }
}
