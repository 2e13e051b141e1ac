using Microsoft.Extensions.Logging.Abstractions;
using TokenWorkers.Admin;
using TokenWorkers.Connections;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Admin;

/// <summary>The status page's filters and paging, on a real SQLite file.</summary>
public sealed class StatusPagerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenworkers-pager-").FullName;
    private readonly SqliteConnectionStore _store;

    public StatusPagerTests() =>
        _store = new SqliteConnectionStore(Path.Combine(_directory, SqliteConnectionStore.FileName), Some.Protector(), NullLogger<SqliteConnectionStore>.Instance);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(null, "Bogus", null, null, "'health' parameter must be one of Healthy")]
    [InlineData(null, "4", null, null, "'health'")]
    [InlineData(null, null, "a", "b", "not both")]
    public void A_query_string_that_is_no_filter_is_refused_with_the_parameter_named(string? tenant, string? health, string? after, string? before, string problem)
    {
        var (filter, why) = StatusFilter.Parse(tenant, health, after, before);

        Assert.Null(filter);
        Assert.Contains(problem, why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tenant_longer_than_any_id_is_refused_and_links_keep_the_filter_escaped()
    {
        Assert.Null(StatusFilter.Parse(new string('t', StatusFilter.MaxValueLength + 1), null, null, null).Filter);

        var filter = StatusFilter.Parse("a&b c", "Dead", null, null).Filter!;

        Assert.Equal("status?tenant=a%26b%20c&health=Dead&after=x%2Fy", filter.Link(after: "x/y"));
        Assert.Equal("status", new StatusFilter().Link());
        Assert.Equal("status?app=marketing&before=c", StatusFilter.Parse(null, null, null, null, "marketing").Filter!.Link(before: "c"));
        Assert.Null(StatusFilter.Parse(null, null, null, null, new string('a', StatusFilter.MaxValueLength + 1)).Filter);
    }

    [Fact]
    public async Task Pages_go_forwards_and_back_through_one_tenant_in_id_order()
    {
        await SeedAsync(Enumerable.Range(0, 25).Select(i => Some.Connection($"c-{i:D2}") with { TenantId = i % 2 == 0 ? "even" : "odd" }));
        var filter = new StatusFilter(TenantId: "even");

        var first = await StatusPager.ReadAsync(_store, filter, 5, The.Now, Cancel);
        var second = await StatusPager.ReadAsync(_store, filter with { After = first.NextAfter }, 5, The.Now, Cancel);
        var last = await StatusPager.ReadAsync(_store, filter with { After = "c-18" }, 5, The.Now, Cancel);
        var back = await StatusPager.ReadAsync(_store, filter with { Before = second.PreviousBefore }, 5, The.Now, Cancel);

        Assert.Equal(["c-00", "c-02", "c-04", "c-06", "c-08"], first.Rows.Select(r => r.Id));
        Assert.Null(first.PreviousBefore);
        Assert.Equal("c-08", first.NextAfter);
        Assert.Equal(["c-10", "c-12", "c-14", "c-16", "c-18"], second.Rows.Select(r => r.Id));
        Assert.Equal("c-10", second.PreviousBefore);
        Assert.Equal(["c-20", "c-22", "c-24"], last.Rows.Select(r => r.Id));
        Assert.Null(last.NextAfter);
        Assert.Equal(first.Rows.Select(r => r.Id), back.Rows.Select(r => r.Id));
        Assert.Null(back.PreviousBefore);
        Assert.Equal("c-08", back.NextAfter);
    }

    [Fact]
    public async Task A_health_filter_reads_on_until_the_page_is_full_and_shows_only_that_health()
    {
        // One failing connection in every ten.
        await SeedAsync(Enumerable.Range(0, 60).Select(i => Some.Connection($"c-{i:D2}") with { FailureCount = i % 10 == 3 ? 1 : 0 }));

        var page = await StatusPager.ReadAsync(_store, new StatusFilter(Health: ConnectionHealth.Failing), 4, The.Now, Cancel);
        var rest = await StatusPager.ReadAsync(_store, new StatusFilter(Health: ConnectionHealth.Failing, After: page.NextAfter), 4, The.Now, Cancel);

        Assert.Equal(["c-03", "c-13", "c-23", "c-33"], page.Rows.Select(r => r.Id));
        Assert.Equal("c-33", page.NextAfter);
        Assert.Equal(["c-43", "c-53"], rest.Rows.Select(r => r.Id));
        Assert.Null(rest.NextAfter);
    }

    [Fact]
    public async Task A_rare_health_in_a_large_fleet_stops_after_the_scan_budget_and_goes_on_from_there()
    {
        await SeedAsync(Enumerable.Range(0, 120).Select(i => Some.Connection($"c-{i:D3}") with { FailureCount = i == 115 ? 1 : 0 }));
        var filter = new StatusFilter(Health: ConnectionHealth.Failing);

        var first = await StatusPager.ReadAsync(_store, filter, 10, The.Now, Cancel);
        var next = await StatusPager.ReadAsync(_store, filter with { After = first.NextAfter }, 10, The.Now, Cancel);

        Assert.Empty(first.Rows);
        Assert.True(first.ScanBudgetSpent);
        Assert.Equal(StatusPager.ScanBudget * 11, first.Scanned);
        Assert.Equal("c-109", first.NextAfter);
        Assert.Equal(["c-115"], next.Rows.Select(r => r.Id));
        Assert.Null(next.NextAfter);
    }

    [Fact]
    public async Task A_fleet_of_ten_thousand_is_paged_not_read_whole_and_its_charts_are_counted_in_the_store()
    {
        await SeedAsync(Enumerable.Range(0, 10_000).Select(i => Some.Connection($"c-{i:D5}") with
        {
            TenantId = $"t-{i % 10}",
            FailureCount = i % 100 == 7 ? 1 : 0,
            AccessTokenExpiresAt = The.Now.AddDays(1 + (i % 59)),
            Attempts = [new RefreshAttempt(The.Now.AddHours(-(i % 24)), AttemptTrigger.Scheduled, AttemptOutcome.Refreshed, null, 1)],
        }));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var page = await StatusPager.ReadAsync(_store, new StatusFilter(TenantId: "t-7", Health: ConnectionHealth.Failing), 500, The.Now, Cancel);
        var paged = clock.Elapsed;
        var (from, until) = DeadlineCalendar.Window(The.Now);
        var days = DeadlineCalendar.Of(await _store.ListDeadlinesAsync(from, until, FleetScope.Everything, Cancel), The.Now);
        var hours = OutcomeHours.Of(await _store.ListAttemptsSinceAsync(OutcomeHours.Since(The.Now), FleetScope.Everything, Cancel), The.Now);
        TestContext.Current.TestOutputHelper?.WriteLine($"10,000 connections: filtered page {paged.TotalMilliseconds:0} ms, with both charts {clock.Elapsed.TotalMilliseconds:0} ms");

        Assert.Equal(100, page.Rows.Count);
        Assert.Equal(1_000, page.Scanned); // the tenant's 1,000 rows, in two store pages (501 and 499), not the fleet's 10,000
        Assert.Null(page.NextAfter);
        Assert.Equal(10_000, days.Sum(d => d.AccessTokenExpiries));
        Assert.Equal(10_000, hours.Sum(h => h.Refreshed));
    }

    private async Task SeedAsync(IEnumerable<Connection> connections)
    {
        await _store.InitializeAsync(Cancel);
        foreach (var connection in connections)
        {
            Assert.NotNull(await _store.TryInsertAsync(connection, Cancel));
        }
    }
}
