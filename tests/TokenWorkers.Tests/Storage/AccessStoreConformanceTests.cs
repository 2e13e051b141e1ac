using TokenWorkers.Ports;

namespace TokenWorkers.Tests.Storage;

/// <summary>
/// What every adapter of the audit trail and of connect sessions must answer, written once; an adapter's test class
/// supplies both over empty data. "Two stores" are two adapter instances over the same data, as two worker instances are.
/// </summary>
public abstract class AccessStoreConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, 123, TimeSpan.Zero);

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A trail and a session store over this test's data; every call returns new instances over the same data.</summary>
    protected abstract Task<(IAuditTrail Trail, IConnectSessions Sessions)> CreateAsync();

    protected abstract ValueTask DeleteDataAsync();

    private IAuditTrail Trail { get; set; } = null!;

    private IConnectSessions Sessions { get; set; } = null!;

    public virtual async ValueTask InitializeAsync()
    {
        (Trail, Sessions) = await CreateAsync();
        await Trail.InitializeAsync(Cancel);
        await Sessions.InitializeAsync(Cancel);
    }

    public virtual async ValueTask DisposeAsync()
    {
        await DeleteDataAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Audit_records_read_back_equal_newest_first_and_filtered_by_target_and_actor()
    {
        AuditRecord[] records =
        [
            AuditRecord.New(T0, "ops", "POST /admin/connections/{connectionId}/refresh", "c-1", 200),
            AuditRecord.New(T0.AddSeconds(1), "ops", "POST /admin/connections/{connectionId}/disconnect", "c-2", 409),
            AuditRecord.New(T0.AddSeconds(2), "reader", "POST /admin/connections/{connectionId}/refresh", "c-1", 403, "The key 'reader' does not hold the scope 'operate'."),
            AuditRecord.New(T0.AddSeconds(3), "ops", "POST /admin/encryption/reencrypt", null, 200),
        ];
        foreach (var record in records)
        {
            await Trail.AppendAsync(record, Cancel);
        }

        var (other, _) = await CreateAsync();
        var all = await other.ListAsync(new AuditQuery(10), Cancel);
        var forC1 = await other.ListAsync(new AuditQuery(10, Target: "c-1"), Cancel);
        var byOps = await other.ListAsync(new AuditQuery(10, Actor: "ops"), Cancel);

        Assert.Equal(records.Reverse(), all);
        Assert.Equal([records[2], records[0]], forC1);
        Assert.Equal([records[3], records[1], records[0]], byOps);
        Assert.Equal(AuditOutcome.Refused, all[1].Outcome);
        Assert.Equal(AuditOutcome.Failed, all[2].Outcome);
        Assert.Equal(T0, all[3].At);
    }

    [Fact]
    public async Task Audit_pages_go_back_in_time_by_id_without_gaps_or_repeats()
    {
        var appended = new List<AuditRecord>();
        for (var i = 0; i < 25; i++)
        {
            var record = AuditRecord.New(T0.AddMilliseconds(i * 10), "ops", "POST /admin/x", $"c-{i}", 200);
            appended.Add(record);
            await Trail.AppendAsync(record, Cancel);
        }

        var seen = new List<AuditRecord>();
        string? before = null;
        while (true)
        {
            var page = await Trail.ListAsync(new AuditQuery(10, before), Cancel);
            seen.AddRange(page);
            if (page.Count < 10)
            {
                break;
            }

            before = page[^1].Id;
        }

        Assert.Equal(Enumerable.Reverse(appended), seen);
    }

    [Fact]
    public async Task An_audit_record_appended_twice_is_kept_once()
    {
        var record = AuditRecord.New(T0, "ops", "POST /admin/x", "c-1", 200);

        await Trail.AppendAsync(record, Cancel);
        await Trail.AppendAsync(record, Cancel);

        Assert.Single(await Trail.ListAsync(new AuditQuery(10), Cancel));
    }

    [Fact]
    public async Task Audit_records_older_than_the_retention_are_deleted_and_newer_ones_kept()
    {
        var old = AuditRecord.New(T0.AddDays(-401), "ops", "POST /admin/x", "c-old", 200);
        var kept = AuditRecord.New(T0.AddDays(-399), "ops", "POST /admin/x", "c-kept", 200);
        await Trail.AppendAsync(old, Cancel);
        await Trail.AppendAsync(kept, Cancel);

        var deleted = await Trail.DeleteOlderThanAsync(T0.AddDays(-400), Cancel);

        Assert.Equal(1, deleted);
        Assert.Equal([kept], await Trail.ListAsync(new AuditQuery(10), Cancel));
    }

    [Fact]
    public async Task A_session_reads_back_equal_and_its_id_cannot_be_added_twice()
    {
        var session = Session("s-1");

        Assert.True(await Sessions.TryAddAsync(session, Cancel));
        Assert.False(await Sessions.TryAddAsync(session with { ConnectionId = "c-other" }, Cancel));

        Assert.Equal(session, await Sessions.FindAsync("s-1", Cancel));
        Assert.Null(await Sessions.FindAsync("s-unknown", Cancel));
    }

    [Fact]
    public async Task A_session_is_redeemed_once_across_stores_and_never_after_it_expires()
    {
        await Sessions.TryAddAsync(Session("s-once"), Cancel);
        await Sessions.TryAddAsync(Session("s-late"), Cancel);
        var (_, otherInstance) = await CreateAsync();

        var first = await Sessions.TryRedeemAsync("s-once", T0.AddMinutes(1), Cancel);
        var second = await otherInstance.TryRedeemAsync("s-once", T0.AddMinutes(2), Cancel);
        var late = await otherInstance.TryRedeemAsync("s-late", T0.AddMinutes(15), Cancel);
        var unknown = await Sessions.TryRedeemAsync("s-unknown", T0, Cancel);

        Assert.Equal(T0.AddMinutes(1), first?.RedeemedAt);
        Assert.Null(second);
        Assert.Null(late);
        Assert.Null(unknown);
        Assert.Equal(T0.AddMinutes(1), (await otherInstance.FindAsync("s-once", Cancel))?.RedeemedAt);
        Assert.Null((await otherInstance.FindAsync("s-late", Cancel))?.RedeemedAt);
    }

    [Fact]
    public async Task Of_many_racing_redemptions_of_one_session_exactly_one_wins()
    {
        await Sessions.TryAddAsync(Session("s-race"), Cancel);
        var stores = new List<IConnectSessions>();
        for (var i = 0; i < 4; i++)
        {
            stores.Add((await CreateAsync()).Sessions);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() => stores[i % 4].TryRedeemAsync("s-race", T0.AddSeconds(i), Cancel), Cancel)));

        Assert.Single(results, r => r is not null);
    }

    [Fact]
    public async Task Expired_sessions_are_deleted_and_live_ones_kept()
    {
        await Sessions.TryAddAsync(Session("s-old") with { ExpiresAt = T0.AddMinutes(-10) }, Cancel);
        await Sessions.TryAddAsync(Session("s-live"), Cancel);

        var deleted = await Sessions.DeleteExpiredAsync(T0, Cancel);

        Assert.Equal(1, deleted);
        Assert.Null(await Sessions.FindAsync("s-old", Cancel));
        Assert.NotNull(await Sessions.FindAsync("s-live", Cancel));
    }

    private static ConnectSession Session(string id) =>
        new(id, "c-1", "tenant-a", new Uri("https://app.example.com/settings?tab=linkedin"), T0, T0.AddMinutes(15), "backend");
}
