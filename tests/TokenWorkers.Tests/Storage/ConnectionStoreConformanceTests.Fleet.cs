using TokenWorkers.Connections;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage;

/// <summary>What the status page asks of every store: filtered pages both ways, the coming deadlines, the recent timeline.</summary>
public abstract partial class ConnectionStoreConformanceTests
{
    [Fact]
    public async Task A_filtered_list_returns_only_the_tenant_and_statuses_asked_for_in_id_order()
    {
        await InsertAllAsync(
            Some.Connection("c-01") with { TenantId = "t-a" },
            Some.Connection("c-02") with { TenantId = "t-b" },
            Some.Connection("c-03") with { TenantId = "t-a", Status = ConnectionStatus.Disconnected },
            Some.Connection("c-04") with { TenantId = "t-a", Status = ConnectionStatus.ReauthRequired },
            Some.Connection("c-05") with { TenantId = "t-a" });

        var tenant = await Store.ListAsync(new ConnectionListQuery { Limit = 10, TenantId = "t-a" }, Cancel);
        var statuses = await Store.ListAsync(
            new ConnectionListQuery { Limit = 10, TenantId = "t-a", Statuses = [ConnectionStatus.Active, ConnectionStatus.ReauthRequired] }, Cancel);
        var after = await Store.ListAsync(new ConnectionListQuery { Limit = 2, TenantId = "t-a", After = "c-01" }, Cancel);

        Assert.Equal(["c-01", "c-03", "c-04", "c-05"], tenant.Select(c => c.ConnectionId));
        Assert.Equal(["c-01", "c-04", "c-05"], statuses.Select(c => c.ConnectionId));
        Assert.Equal(["c-03", "c-04"], after.Select(c => c.ConnectionId));
        Assert.Equal("c-04", after.LastId);
    }

    [Fact]
    public async Task A_list_before_an_id_reads_backwards_and_ends_at_the_smallest_id_read()
    {
        await InsertAllAsync([.. Enumerable.Range(1, 6).Select(i => Some.Connection($"c-0{i}"))]);

        var page = await Store.ListAsync(new ConnectionListQuery { Limit = 2, Before = "c-05" }, Cancel);
        var start = await Store.ListAsync(new ConnectionListQuery { Limit = 5, Before = "c-02" }, Cancel);

        Assert.Equal(["c-04", "c-03"], page.Select(c => c.ConnectionId));
        Assert.Equal("c-03", page.LastId);
        Assert.Equal(["c-01"], start.Select(c => c.ConnectionId));
    }

    [Fact]
    public async Task The_deadlines_are_those_of_active_connections_in_the_window_start_included_end_excluded()
    {
        var from = The.Now;
        var until = The.Now.AddDays(60);
        await InsertAllAsync(
            Some.Connection("a-1") with { AccessTokenExpiresAt = from, RefreshTokenExpiresAt = until },
            Some.Connection("a-2") with { AccessTokenExpiresAt = until.AddMilliseconds(-1), RefreshTokenExpiresAt = from.AddDays(3) },
            Some.Connection("a-3") with { AccessTokenExpiresAt = from.AddMilliseconds(-1), RefreshTokenExpiresAt = until.AddDays(100) },
            Some.Connection("a-4") with { TenantId = "other", AccessTokenExpiresAt = from.AddDays(1), RefreshTokenExpiresAt = from.AddDays(2) },
            Some.BareConnection("a-5"),
            Some.Connection("r-1") with { Status = ConnectionStatus.ReauthRequired, AccessTokenExpiresAt = from.AddDays(1), RefreshTokenExpiresAt = from.AddDays(1) });

        var all = await Store.ListDeadlinesAsync(from, until, FleetScope.Everything, Cancel);
        var tenant = await Store.ListDeadlinesAsync(from, until, new FleetScope("other"), Cancel);

        Assert.Equal(
            new[] { from, until.AddMilliseconds(-1), from.AddDays(1) }.Select(d => d.ToStoredPrecision()).Order(),
            all.AccessTokenExpiries.Order());
        Assert.Equal(new[] { from.AddDays(3), from.AddDays(2) }.Select(d => d.ToStoredPrecision()).Order(), all.RefreshTokenEnds.Order());
        Assert.Equal([from.AddDays(1).ToStoredPrecision()], tenant.AccessTokenExpiries);
        Assert.Equal([from.AddDays(2).ToStoredPrecision()], tenant.RefreshTokenEnds);
    }

    [Fact]
    public async Task The_attempts_since_a_time_come_from_every_connection_of_the_tenant_asked_for()
    {
        var since = The.Now.AddHours(-24);
        await InsertAllAsync(
            Some.Connection("a-1") with
            {
                Attempts =
                [
                    new RefreshAttempt(since.AddMinutes(-1), AttemptTrigger.Scheduled, AttemptOutcome.Refreshed, null, 2),
                    new RefreshAttempt(since, AttemptTrigger.Scheduled, AttemptOutcome.Transient, null, 3),
                    new RefreshAttempt(The.Now, AttemptTrigger.Forced, AttemptOutcome.Reauth, "invalid_grant", 4),
                ],
            },
            Some.Connection("a-2") with
            {
                TenantId = "other",
                Attempts = [new RefreshAttempt(The.Now.AddHours(-1), AttemptTrigger.BeforePost, AttemptOutcome.RateLimited, null, 7)],
            },
            Some.Connection("a-3"));

        var all = await Store.ListAttemptsSinceAsync(since, FleetScope.Everything, Cancel);
        var tenant = await Store.ListAttemptsSinceAsync(since, new FleetScope("other"), Cancel);

        Assert.Equal(
            [
                new RefreshAttempt(since.ToStoredPrecision(), AttemptTrigger.Scheduled, AttemptOutcome.Transient, null, 3),
                new RefreshAttempt(The.Now.AddHours(-1).ToStoredPrecision(), AttemptTrigger.BeforePost, AttemptOutcome.RateLimited, null, 7),
                new RefreshAttempt(The.Now.ToStoredPrecision(), AttemptTrigger.Forced, AttemptOutcome.Reauth, "invalid_grant", 4),
            ],
            all.OrderBy(a => a.At));
        Assert.Equal([AttemptOutcome.RateLimited], tenant.Select(a => a.Outcome));
    }

    [Fact]
    public async Task The_app_filter_narrows_the_list_the_deadlines_and_the_attempts_and_an_unnamed_app_is_the_default()
    {
        var since = The.Now.AddHours(-24);
        var until = The.Now.AddDays(60);
        Connection Of(string id, string tenant, string app, int day) => Some.Connection(id) with
        {
            TenantId = tenant,
            App = app,
            AccessTokenExpiresAt = The.Now.AddDays(day),
            RefreshTokenExpiresAt = The.Now.AddDays(day + 1),
            Attempts = [new RefreshAttempt(The.Now.AddHours(-day), AttemptTrigger.Scheduled, AttemptOutcome.Refreshed, null, day)],
        };
        await InsertAllAsync(
            Of("c-1", "t-a", Connection.DefaultApp, 1),
            Of("c-2", "t-a", "marketing", 2),
            Of("c-3", "t-b", "marketing", 3),
            Of("c-4", "t-b", Connection.DefaultApp, 4));

        var marketing = await Store.ListAsync(new ConnectionListQuery { Limit = 10, App = "marketing" }, Cancel);
        var defaults = await Store.ListAsync(new ConnectionListQuery { Limit = 10, App = Connection.DefaultApp }, Cancel);
        var both = await Store.ListAsync(new ConnectionListQuery { Limit = 10, TenantId = "t-b", App = "marketing" }, Cancel);
        var none = await Store.ListAsync(new ConnectionListQuery { Limit = 10, App = "nobody" }, Cancel);
        var deadlines = await Store.ListDeadlinesAsync(The.Now, until, new FleetScope(App: "marketing"), Cancel);
        var scopedDeadlines = await Store.ListDeadlinesAsync(The.Now, until, new FleetScope("t-a", Connection.DefaultApp), Cancel);
        var attempts = await Store.ListAttemptsSinceAsync(since, new FleetScope(App: Connection.DefaultApp), Cancel);
        var scopedAttempts = await Store.ListAttemptsSinceAsync(since, new FleetScope("t-b", "marketing"), Cancel);

        Assert.Equal(["c-2", "c-3"], marketing.Select(c => c.ConnectionId));
        Assert.All(marketing, c => Assert.Equal("marketing", c.App));
        Assert.Equal(["c-1", "c-4"], defaults.Select(c => c.ConnectionId));
        Assert.Equal(["c-3"], both.Select(c => c.ConnectionId));
        Assert.Empty(none);
        Assert.Equal(new[] { The.Now.AddDays(2), The.Now.AddDays(3) }.Select(d => d.ToStoredPrecision()), deadlines.AccessTokenExpiries.Order());
        Assert.Equal([The.Now.AddDays(2).ToStoredPrecision()], scopedDeadlines.RefreshTokenEnds);
        Assert.Equal([1L, 4L], attempts.Select(a => a.Version).Order());
        Assert.Equal([3L], scopedAttempts.Select(a => a.Version));
    }
}
