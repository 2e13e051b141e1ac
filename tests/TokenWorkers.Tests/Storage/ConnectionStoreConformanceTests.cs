using System.Text;
using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage;

/// <summary>
/// What every <see cref="IConnectionStore"/> adapter must answer, written once. An adapter's test class
/// subclasses it and supplies its stores; every adapter must pass every test here unchanged.
/// </summary>
/// <remarks>
/// Dates are expected back in UTC with millisecond precision (sub-millisecond ticks dropped): what a
/// BSON date keeps, and what the SQLite adapter stores. xUnit creates one instance per test, so each
/// test starts on its own empty data.
/// </remarks>
public abstract partial class ConnectionStoreConformanceTests : IAsyncLifetime
{
    private const int ConcurrentWriters = 16;
    private const int Rounds = 10;

    /// <summary>The store of the test, encrypting with key A (<see cref="Some.Protector"/>), initialized.</summary>
    protected IConnectionStore Store { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>
    /// A store over this test's data, which is empty when the test starts. Every call within one test
    /// must return a store over the same data (as a second process or a restart would see it), using
    /// <paramref name="protector"/> for its tokens. The base class calls <see cref="IConnectionStore.InitializeAsync"/>.
    /// </summary>
    protected abstract Task<IConnectionStore> CreateStoreAsync(ITokenProtector protector);

    /// <summary>
    /// Everything this test's data occupies at rest, as raw bytes (files, documents), including anything
    /// not yet moved to its final place (a write-ahead log, for example). Searched for plaintext tokens.
    /// </summary>
    protected abstract Task<IReadOnlyList<byte[]>> ReadStoredBytesAsync();

    /// <summary>Releases the stores and deletes this test's data.</summary>
    protected abstract ValueTask DeleteDataAsync();

    public virtual async ValueTask InitializeAsync() => Store = await OpenStoreAsync(Some.Protector());

    public virtual async ValueTask DisposeAsync()
    {
        await DeleteDataAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>Another store over this test's data, initialized, as a second process would open it.</summary>
    protected async Task<IConnectionStore> OpenStoreAsync(ITokenProtector protector)
    {
        var store = await CreateStoreAsync(protector);
        await store.InitializeAsync(Cancel);
        return store;
    }

    // ---- Round trip ----

    [Fact]
    public async Task An_inserted_connection_reads_back_with_every_field_intact()
    {
        var connection = Some.FullyPopulatedConnection();

        var inserted = await Store.TryInsertAsync(connection, Cancel);
        var found = await Store.FindAsync(connection.ConnectionId, Cancel);

        var expected = Snapshot.Of(connection with { Version = 1 });
        Assert.Equal(expected, Snapshot.Of(inserted));
        Assert.Equal(expected, Snapshot.Of(found));
    }

    [Fact]
    public async Task A_connection_with_only_its_required_fields_reads_back_with_the_others_empty()
    {
        var connection = Some.BareConnection();

        await Store.TryInsertAsync(connection, Cancel);
        var found = await Store.FindAsync(connection.ConnectionId, Cancel);

        Assert.Equal(Snapshot.Of(connection with { Version = 1 }), Snapshot.Of(found));
    }

    [Fact]
    public async Task A_connections_app_is_kept_and_an_update_can_move_it_back_to_the_default_app()
    {
        var inserted = await Store.TryInsertAsync(Some.Connection() with { App = "marketing" }, Cancel);
        Assert.Equal("marketing", (await Store.FindAsync(The.ConnectionId, Cancel))?.App);

        var updated = await Store.TryUpdateAsync(inserted! with { App = Connection.DefaultApp }, expectedVersion: 1, Cancel);

        Assert.Equal(Connection.DefaultApp, updated?.App);
        Assert.Equal(Connection.DefaultApp, (await Store.FindAsync(The.ConnectionId, Cancel))?.App);
        Assert.Equal(Connection.DefaultApp, Some.Connection().App);
    }

    [Fact]
    public async Task Insert_stores_version_1_whatever_version_the_connection_carries()
    {
        var inserted = await Store.TryInsertAsync(Some.Connection() with { Version = 42 }, Cancel);
        var found = await Store.FindAsync(The.ConnectionId, Cancel);

        Assert.Equal(1, inserted?.Version);
        Assert.Equal(1, found?.Version);
    }

    [Fact]
    public async Task Dates_come_back_in_utc_truncated_to_the_millisecond()
    {
        // 11:26:53.5897654 at UTC+2 is 09:26:53.5897654Z; the store keeps 09:26:53.589Z.
        var local = new DateTimeOffset(2026, 3, 14, 11, 26, 53, TimeSpan.FromHours(2)).AddTicks(5_897_654);
        var stored = new DateTimeOffset(2026, 3, 14, 9, 26, 53, 589, TimeSpan.Zero);
        var connection = Some.FullyPopulatedConnection();

        await Store.TryInsertAsync(WithEveryDate(connection, local), Cancel);
        var found = await Store.FindAsync(connection.ConnectionId, Cancel);

        Assert.Equal(Snapshot.Of(WithEveryDate(connection, stored) with { Version = 1 }), Snapshot.Of(found));
    }

    [Fact]
    public async Task What_a_write_returns_equals_what_a_later_read_returns_dates_cut_to_the_millisecond()
    {
        var local = new DateTimeOffset(2026, 3, 14, 11, 26, 53, TimeSpan.FromHours(2)).AddTicks(5_897_654);
        var connection = WithEveryDate(Some.FullyPopulatedConnection(), local);

        var inserted = await Store.TryInsertAsync(connection, Cancel);
        var foundAfterInsert = await Store.FindAsync(connection.ConnectionId, Cancel);
        var updated = await Store.TryUpdateAsync(WithEveryDate(connection, local.AddTicks(7_777)), expectedVersion: 1, Cancel);
        var foundAfterUpdate = await Store.FindAsync(connection.ConnectionId, Cancel);

        Assert.Equal(Snapshot.Of(foundAfterInsert), Snapshot.Of(inserted));
        Assert.Equal(Snapshot.Of(foundAfterUpdate), Snapshot.Of(updated));
        Assert.Equal(2, updated?.Version);
    }

    [Fact]
    public async Task Inserting_an_existing_id_returns_null_and_keeps_the_first_connection()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);

        var second = await Store.TryInsertAsync(Some.BareConnection() with { TenantId = "tenant-other" }, Cancel);
        var found = await Store.FindAsync(The.ConnectionId, Cancel);

        Assert.Null(second);
        Assert.Equal(Snapshot.Of(Some.Connection() with { Version = 1 }), Snapshot.Of(found));
    }

    [Fact]
    public async Task Finding_an_unknown_id_returns_null()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);

        Assert.Null(await Store.FindAsync("conn-nobody", Cancel));
    }

    [Fact]
    public async Task A_store_opened_again_on_the_same_data_finds_what_was_written()
    {
        var connection = Some.FullyPopulatedConnection();
        await Store.TryInsertAsync(connection, Cancel);

        var reopened = await OpenStoreAsync(Some.Protector());
        var found = await reopened.FindAsync(The.ConnectionId, Cancel);

        Assert.Equal(Snapshot.Of(connection with { Version = 1 }), Snapshot.Of(found));
    }

    // ---- Compare-and-swap ----

    [Fact]
    public async Task An_update_with_the_current_version_replaces_every_field_and_increments_the_version()
    {
        await Store.TryInsertAsync(Some.FullyPopulatedConnection(), Cancel);
        var replacement = Some.BareConnection() with { TenantId = "tenant-moved", Status = ConnectionStatus.Disconnected };

        var updated = await Store.TryUpdateAsync(replacement, expectedVersion: 1, Cancel);
        var found = await Store.FindAsync(The.ConnectionId, Cancel);

        var expected = Snapshot.Of(replacement with { Version = 2 });
        Assert.Equal(expected, Snapshot.Of(updated));
        Assert.Equal(expected, Snapshot.Of(found));
    }

    [Fact]
    public async Task An_update_can_fill_every_field_that_was_empty()
    {
        await Store.TryInsertAsync(Some.BareConnection(), Cancel);
        var replacement = Some.FullyPopulatedConnection();

        var updated = await Store.TryUpdateAsync(replacement, expectedVersion: 1, Cancel);
        var found = await Store.FindAsync(The.ConnectionId, Cancel);

        var expected = Snapshot.Of(replacement with { Version = 2 });
        Assert.Equal(expected, Snapshot.Of(updated));
        Assert.Equal(expected, Snapshot.Of(found));
    }

    [Fact]
    public async Task An_update_with_a_stale_version_returns_null_and_changes_nothing()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);
        var winner = Some.Connection() with { FailureCount = 1 };
        await Store.TryUpdateAsync(winner, expectedVersion: 1, Cancel);

        var stale = await Store.TryUpdateAsync(Some.Connection() with { FailureCount = 99 }, expectedVersion: 1, Cancel);
        var found = await Store.FindAsync(The.ConnectionId, Cancel);

        Assert.Null(stale);
        Assert.Equal(Snapshot.Of(winner with { Version = 2 }), Snapshot.Of(found));
    }

    [Fact]
    public async Task An_update_with_a_version_ahead_of_the_stored_one_returns_null()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);

        var ahead = await Store.TryUpdateAsync(Some.BareConnection(), expectedVersion: 2, Cancel);
        var found = await Store.FindAsync(The.ConnectionId, Cancel);

        Assert.Null(ahead);
        Assert.Equal(Snapshot.Of(Some.Connection() with { Version = 1 }), Snapshot.Of(found));
    }

    [Fact]
    public async Task An_update_of_an_unknown_connection_returns_null_and_creates_nothing()
    {
        var updated = await Store.TryUpdateAsync(Some.Connection(), expectedVersion: 1, Cancel);

        Assert.Null(updated);
        Assert.Null(await Store.FindAsync(The.ConnectionId, Cancel));
    }

    [Fact]
    public async Task Of_concurrent_updates_with_the_same_expected_version_exactly_one_wins()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);

        for (var round = 1; round <= Rounds; round++)
        {
            var expectedVersion = round;
            var results = await RaceAsync(ConcurrentWriters, writer =>
                Store.TryUpdateAsync(Some.Connection() with { FailureCount = writer }, expectedVersion, Cancel));

            var winner = Assert.Single(results, r => r is not null);
            var found = await Store.FindAsync(The.ConnectionId, Cancel);
            Assert.Equal(expectedVersion + 1, found?.Version);
            Assert.Equal(winner!.FailureCount, found?.FailureCount);
        }
    }

    // ---- Leases ----

    [Fact]
    public async Task An_expired_lease_is_taken_over_and_its_old_holder_can_no_longer_commit()
    {
        var leaseEnd = The.Now.AddMinutes(1);
        await Store.TryInsertAsync(Some.Connection(), Cancel);
        var heldByA = await Store.TryUpdateAsync(Some.Connection() with { Lease = Some.Lease("worker-a", leaseEnd) }, 1, Cancel);

        var seenByB = await Store.FindAsync(The.ConnectionId, Cancel);
        var bNow = leaseEnd.AddMilliseconds(1);
        Assert.True(seenByB?.Lease?.Until < bNow, "B must see A's lease as expired");
        var takenByB = await Store.TryUpdateAsync(
            seenByB! with { Lease = Some.Lease("worker-b", bNow.AddMinutes(1)) }, seenByB!.Version, Cancel);
        var lateCommitOfA = await Store.TryUpdateAsync(
            heldByA! with { Lease = null, AccessToken = new SecretToken("AQV-stale-from-a") }, heldByA!.Version, Cancel);

        var found = await Store.FindAsync(The.ConnectionId, Cancel);
        Assert.NotNull(takenByB);
        Assert.Null(lateCommitOfA);
        Assert.Equal("worker-b", found?.Lease?.Holder);
        Assert.Equal(The.AccessToken, found?.AccessToken);
    }

    [Fact]
    public async Task Of_takeovers_of_an_expired_lease_racing_exactly_one_wins()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);

        for (var round = 1; round <= Rounds; round++)
        {
            var expired = await Store.FindAsync(The.ConnectionId, Cancel);
            Assert.NotNull(expired);
            var results = await RaceAsync(2, writer => Store.TryUpdateAsync(
                expired with { Lease = Some.Lease($"worker-{round}-{writer}", The.Now.AddMinutes(round)) },
                expired.Version,
                Cancel));

            var winner = Assert.Single(results, r => r is not null);
            var found = await Store.FindAsync(The.ConnectionId, Cancel);
            Assert.Equal(winner!.Lease?.Holder, found?.Lease?.Holder);
            Assert.Equal(expired.Version + 1, found?.Version);
        }
    }

    // ---- Outbox ----

    [Fact]
    public async Task Events_are_written_in_the_same_write_as_the_state_change_they_belong_to()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);
        var decided = Some.Connection() with
        {
            Status = ConnectionStatus.ReauthRequired,
            PendingEvents = [Some.PendingEvent(The.Now, "ReauthRequired")],
        };

        var updated = await Store.TryUpdateAsync(decided, 1, Cancel);
        var found = await Store.FindAsync(The.ConnectionId, Cancel);
        var pending = await Store.FindWithPendingEventsAsync(The.Now, 10, Cancel);

        Assert.Equal(Snapshot.Of(decided with { Version = 2 }), Snapshot.Of(updated));
        Assert.Equal(Snapshot.Of(decided with { Version = 2 }), Snapshot.Of(found));
        Assert.Equal(Snapshot.Of(decided with { Version = 2 }), Snapshot.Of(Assert.Single(pending)));
    }

    [Fact]
    public async Task A_later_write_drains_the_outbox_and_the_connection_leaves_the_pending_query()
    {
        var withEvents = Some.Connection() with
        {
            PendingEvents = [Some.PendingEvent(The.Now.AddMinutes(-2)), Some.PendingEvent(The.Now.AddMinutes(-1))],
        };
        await Store.TryInsertAsync(withEvents, Cancel);

        var drained = await Store.TryUpdateAsync(withEvents with { PendingEvents = [] }, 1, Cancel);
        var found = await Store.FindAsync(The.ConnectionId, Cancel);
        var pending = await Store.FindWithPendingEventsAsync(The.Now.AddDays(1), 10, Cancel);

        Assert.Equal(2, drained?.Version);
        Assert.Empty(found!.PendingEvents);
        Assert.Empty(pending);
    }

    [Fact]
    public async Task Clearing_the_outbox_is_one_version_checked_write_that_keeps_the_version_and_the_state()
    {
        var stored = (await Store.TryInsertAsync(
            Some.Connection() with { PendingEvents = [Some.PendingEvent(The.Now.AddMinutes(-2)), Some.PendingEvent(The.Now.AddMinutes(-1))] }, Cancel))!;

        Assert.False(await Store.TryClearPendingEventsAsync(stored.ConnectionId, stored.Version + 1, Cancel));
        Assert.Equal(2, (await Store.FindAsync(stored.ConnectionId, Cancel))!.PendingEvents.Count);
        Assert.False(await Store.TryClearPendingEventsAsync("unknown", 1, Cancel));

        Assert.True(await Store.TryClearPendingEventsAsync(stored.ConnectionId, stored.Version, Cancel));
        var cleared = (await Store.FindAsync(stored.ConnectionId, Cancel))!;
        Assert.Equal(Snapshot.Of(stored with { PendingEvents = [] }), Snapshot.Of(cleared));
        Assert.Empty(await Store.FindWithPendingEventsAsync(The.Now.AddDays(1), 10, Cancel));

        // A writer that read the document before the removal still wins on that version.
        Assert.NotNull(await Store.TryUpdateAsync(stored with { FailureCount = 1 }, stored.Version, Cancel));
    }

    [Fact]
    public async Task A_partly_drained_outbox_is_found_by_its_remaining_events()
    {
        var first = Some.PendingEvent(The.Now.AddMinutes(-10));
        var second = Some.PendingEvent(The.Now.AddMinutes(-1));
        await Store.TryInsertAsync(Some.Connection() with { PendingEvents = [first, second] }, Cancel);

        await Store.TryUpdateAsync(Some.Connection() with { PendingEvents = [second] }, 1, Cancel);

        Assert.Empty(await Store.FindWithPendingEventsAsync(The.Now.AddMinutes(-5), 10, Cancel));
        Assert.Equal(
            [second.EventId],
            (await Store.FindWithPendingEventsAsync(The.Now, 10, Cancel)).Single().PendingEvents.Select(e => e.EventId));
    }

    [Fact]
    public async Task The_pending_query_finds_connections_with_an_event_created_at_or_before_the_cutoff()
    {
        var cutoff = The.Now;
        await InsertAllAsync(
            Some.Connection("at-cutoff") with { PendingEvents = [Some.PendingEvent(cutoff)] },
            Some.Connection("just-after") with { PendingEvents = [Some.PendingEvent(cutoff.AddMilliseconds(1))] },
            Some.Connection("old-and-new") with
            {
                PendingEvents = [Some.PendingEvent(cutoff.AddHours(1)), Some.PendingEvent(cutoff.AddHours(-1))],
            },
            Some.Connection("no-events"));

        var found = await Store.FindWithPendingEventsAsync(cutoff, 10, Cancel);

        Assert.Equal(["old-and-new", "at-cutoff"], found.Select(c => c.ConnectionId));
    }

    [Fact]
    public async Task The_pending_query_returns_the_oldest_events_first_and_at_most_the_limit()
    {
        await InsertAllAsync(
            Some.Connection("c-3") with { PendingEvents = [Some.PendingEvent(The.Now.AddMinutes(-3))] },
            Some.Connection("c-1") with
            {
                // Not in order in the list: the oldest event counts, wherever it sits.
                PendingEvents = [Some.PendingEvent(The.Now.AddMinutes(-1)), Some.PendingEvent(The.Now.AddMinutes(-9))],
            },
            Some.Connection("c-4") with { PendingEvents = [Some.PendingEvent(The.Now.AddMinutes(-2))] },
            Some.Connection("c-2") with { PendingEvents = [Some.PendingEvent(The.Now.AddMinutes(-5))] });

        var found = await Store.FindWithPendingEventsAsync(The.Now, 3, Cancel);

        Assert.Equal(["c-1", "c-2", "c-3"], found.Select(c => c.ConnectionId));
    }

    // ---- Due query ----

    [Fact]
    public async Task The_due_query_returns_connections_due_at_or_before_now_earliest_first()
    {
        await InsertAllAsync(
            Some.Connection("due-exactly-now") with { NextRefreshAt = The.Now },
            Some.Connection("due-an-hour-ago") with { NextRefreshAt = The.Now.AddHours(-1) },
            Some.Connection("due-in-1-ms") with { NextRefreshAt = The.Now.AddMilliseconds(1) },
            Some.Connection("nothing-scheduled") with { NextRefreshAt = null },
            Some.Connection("due-a-minute-ago") with { NextRefreshAt = The.Now.AddMinutes(-1) });

        var due = await Store.FindDueAsync(The.Now, 10, Cancel);

        Assert.Equal(["due-an-hour-ago", "due-a-minute-ago", "due-exactly-now"], due.Select(c => c.ConnectionId));
    }

    [Fact]
    public async Task The_due_query_returns_the_earliest_connections_up_to_the_limit()
    {
        await InsertAllAsync(
            Some.Connection("c-2") with { NextRefreshAt = The.Now.AddMinutes(-2) },
            Some.Connection("c-4") with { NextRefreshAt = The.Now.AddMinutes(-1) },
            Some.Connection("c-1") with { NextRefreshAt = The.Now.AddMinutes(-9) },
            Some.Connection("c-3") with { NextRefreshAt = The.Now.AddMinutes(-1).AddMilliseconds(-1) });

        var due = await Store.FindDueAsync(The.Now, 3, Cancel);

        Assert.Equal(["c-1", "c-2", "c-3"], due.Select(c => c.ConnectionId));
    }

    [Fact]
    public async Task The_due_query_follows_updates_of_the_next_refresh_time()
    {
        await InsertAllAsync(
            Some.Connection("rescheduled") with { NextRefreshAt = The.Now.AddMinutes(-1) },
            Some.Connection("unscheduled") with { NextRefreshAt = The.Now.AddMinutes(-1) },
            Some.Connection("brought-forward") with { NextRefreshAt = The.Now.AddDays(1) });

        await Store.TryUpdateAsync(Some.Connection("rescheduled") with { NextRefreshAt = The.Now.AddDays(50) }, 1, Cancel);
        await Store.TryUpdateAsync(Some.Connection("unscheduled") with { NextRefreshAt = null }, 1, Cancel);
        await Store.TryUpdateAsync(Some.Connection("brought-forward") with { NextRefreshAt = The.Now.AddSeconds(-1) }, 1, Cancel);
        var due = await Store.FindDueAsync(The.Now, 10, Cancel);

        Assert.Equal(["brought-forward"], due.Select(c => c.ConnectionId));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Every_query_rejects_a_limit_below_one(int limit)
    {
        // A zero limit means "no limit" to MongoDB; no adapter may quietly turn it into a full scan.
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.FindDueAsync(The.Now, limit, Cancel));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.FindWithPendingEventsAsync(The.Now, limit, Cancel));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAsync(null, limit, Cancel));
    }

    // ---- Listing ----

    [Fact]
    public async Task Listing_pages_through_every_connection_in_id_order()
    {
        await InsertAllAsync([.. new[] { "c-05", "c-01", "c-07", "c-03", "c-02", "c-06", "c-04" }.Select(id => Some.Connection(id))]);

        var pages = new List<IReadOnlyList<string>>();
        string? after = null;
        while (true)
        {
            var page = await Store.ListAsync(after, 3, Cancel);
            if (page.Count == 0)
            {
                break;
            }

            pages.Add([.. page.Select(c => c.ConnectionId)]);
            after = page[^1].ConnectionId;
        }

        Assert.Equal<IReadOnlyList<string>>(
            [["c-01", "c-02", "c-03"], ["c-04", "c-05", "c-06"], ["c-07"]],
            pages);
    }

    [Fact]
    public async Task Listing_after_an_id_that_does_not_exist_starts_at_the_next_one()
    {
        await InsertAllAsync(Some.Connection("c-01"), Some.Connection("c-02"), Some.Connection("c-04"));

        var page = await Store.ListAsync("c-03", 10, Cancel);

        Assert.Equal(["c-04"], page.Select(c => c.ConnectionId));
    }

    // ---- Fleet summary ----

    [Fact]
    public async Task The_summary_of_an_empty_store_counts_nothing_and_has_no_deadlines()
    {
        var summary = await Store.SummarizeAsync(Cancel);

        Assert.Equal(0, summary.Total);
        Assert.Null(summary.EarliestAccessTokenExpiry);
        Assert.Null(summary.EarliestRefreshTokenEnd);
    }

    [Fact]
    public async Task The_summary_counts_every_status_and_takes_deadlines_from_active_connections_only()
    {
        var soonest = The.Now.AddDays(3).AddTicks(1234);
        await InsertAllAsync(
            Some.Connection("a-1") with { AccessTokenExpiresAt = The.Now.AddDays(40), RefreshTokenExpiresAt = The.Now.AddDays(200) },
            Some.Connection("a-2") with { AccessTokenExpiresAt = soonest, RefreshTokenExpiresAt = The.Now.AddDays(300) },
            Some.Connection("a-3") with { AccessTokenExpiresAt = The.Now.AddDays(50), RefreshTokenExpiresAt = The.Now.AddDays(90) },
            Some.BareConnection("a-4"),
            Some.Connection("r-1") with { Status = ConnectionStatus.ReauthRequired, AccessTokenExpiresAt = The.Now.AddDays(-1), RefreshTokenExpiresAt = The.Now.AddDays(1) },
            Some.Connection("d-1") with { Status = ConnectionStatus.Disconnected, AccessToken = null, RefreshToken = null, AccessTokenExpiresAt = The.Now, RefreshTokenExpiresAt = The.Now },
            Some.Connection("d-2") with { Status = ConnectionStatus.Disconnected });

        var summary = await Store.SummarizeAsync(Cancel);

        Assert.Equal(4, summary.CountOf(ConnectionStatus.Active));
        Assert.Equal(1, summary.CountOf(ConnectionStatus.ReauthRequired));
        Assert.Equal(2, summary.CountOf(ConnectionStatus.Disconnected));
        Assert.Equal(7, summary.Total);
        Assert.Equal(soonest.ToStoredPrecision(), summary.EarliestAccessTokenExpiry);
        Assert.Equal(TimeSpan.Zero, summary.EarliestAccessTokenExpiry!.Value.Offset);
        Assert.Equal(The.Now.AddDays(90).ToStoredPrecision(), summary.EarliestRefreshTokenEnd);
    }

    [Fact]
    public async Task The_summary_follows_updates()
    {
        var inserted = (await Store.TryInsertAsync(Some.Connection("a-1"), Cancel))!;

        await Store.TryUpdateAsync(inserted with { Status = ConnectionStatus.ReauthRequired }, inserted.Version, Cancel);
        var summary = await Store.SummarizeAsync(Cancel);

        Assert.Equal(0, summary.CountOf(ConnectionStatus.Active));
        Assert.Equal(1, summary.CountOf(ConnectionStatus.ReauthRequired));
        Assert.Null(summary.EarliestAccessTokenExpiry);
    }

    // ---- Timeline ----

    [Fact]
    public async Task The_timeline_is_written_with_the_state_change_and_keeps_its_order()
    {
        var inserted = (await Store.TryInsertAsync(Some.Connection(), Cancel))!;
        var attempt = new RefreshAttempt(The.Now.AddMinutes(1), AttemptTrigger.Forced, AttemptOutcome.RateLimited, "TOO_MANY_REQUESTS", 2);

        var updated = await Store.TryUpdateAsync(inserted.WithAttempt(attempt) with { FailureCount = 1 }, inserted.Version, Cancel);
        var found = await Store.FindAsync(The.ConnectionId, Cancel);

        Assert.Equal([attempt], updated!.Attempts);
        Assert.Equal([attempt], found!.Attempts);
        Assert.Equal(1, found.FailureCount);
    }

    // ---- Encryption at rest ----

    [Fact]
    public async Task Tokens_are_not_stored_in_plaintext()
    {
        await Store.TryInsertAsync(Some.FullyPopulatedConnection(), Cancel);
        await Store.TryUpdateAsync(Some.FullyPopulatedConnection() with { FailureCount = 4 }, 1, Cancel);

        var stored = await ReadStoredBytesAsync();

        // The scan must see the real data, or finding no token would prove nothing.
        Assert.True(ContainsText(stored, The.MemberUrn), "the stored bytes should contain the (non-secret) member URN");
        Assert.False(ContainsText(stored, The.AccessTokenValue), "the access token is stored in plaintext");
        Assert.False(ContainsText(stored, The.RefreshTokenValue), "the refresh token is stored in plaintext");
    }

    [Fact]
    public async Task Reading_with_a_key_ring_that_lacks_the_writing_key_fails_naming_the_key_and_never_the_token()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);
        var withoutKeyA = await OpenStoreAsync(Some.Protector(The.KeyBId));

        var error = await Assert.ThrowsAsync<UnreadableRowException>(() => withoutKeyA.FindAsync(The.ConnectionId, Cancel));

        Assert.Equal(new UnreadableRow(The.ConnectionId, 1, UnreadableReason.UnknownKey, error.Row!.Message), error.Row);
        Assert.Contains($"'{The.KeyAId}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Encryption:Keys:{The.KeyAId}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(The.AccessTokenValue, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(The.RefreshTokenValue, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_under_a_retired_key_still_decrypt_and_the_next_write_uses_the_active_key()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);
        var rotated = await OpenStoreAsync(Some.Protector(The.KeyBId, The.KeyBId, The.KeyAId));
        var onlyKeyB = await OpenStoreAsync(Some.Protector(The.KeyBId));
        await Assert.ThrowsAsync<UnreadableRowException>(() => onlyKeyB.FindAsync(The.ConnectionId, Cancel));

        var underRetiredKey = await rotated.FindAsync(The.ConnectionId, Cancel);
        await rotated.TryUpdateAsync(underRetiredKey!, underRetiredKey!.Version, Cancel);
        var underActiveKey = await onlyKeyB.FindAsync(The.ConnectionId, Cancel);

        Assert.Equal(The.AccessToken, underRetiredKey.AccessToken);
        Assert.Equal(The.RefreshToken, underRetiredKey.RefreshToken);
        Assert.Equal(The.AccessToken, underActiveKey?.AccessToken);
        Assert.Equal(The.RefreshToken, underActiveKey?.RefreshToken);
    }

    // ---- Helpers ----

    private async Task InsertAllAsync(params Connection[] connections)
    {
        foreach (var connection in connections)
        {
            Assert.NotNull(await Store.TryInsertAsync(connection, Cancel));
        }
    }

    /// <summary>Starts <paramref name="writers"/> attempts at once on the thread pool and waits for all.</summary>
    protected static async Task<T[]> RaceAsync<T>(int writers, Func<int, Task<T>> attempt)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(1, writers)
            .Select(writer => Task.Run(async () =>
            {
                await start.Task;
                return await attempt(writer);
            }))
            .ToArray();
        start.SetResult();
        return await Task.WhenAll(attempts);
    }

    private static bool ContainsText(IEnumerable<byte[]> stored, string text) =>
        stored.Any(bytes =>
            bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0
            || bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(text)) >= 0);

    private static Connection WithEveryDate(Connection connection, DateTimeOffset date) => connection with
    {
        AccessTokenExpiresAt = date,
        RefreshTokenExpiresAt = date,
        NextRefreshAt = date,
        LastRefreshedAt = date,
        CreatedAt = date,
        Lease = connection.Lease! with { Until = date },
        LastFailure = connection.LastFailure! with { At = date },
        ProblemSince = date,
        WarningDeadline = date,
        PendingEvents = [.. connection.PendingEvents.Select(e => e with { CreatedAt = date })],
        Attempts = [.. connection.Attempts.Select(a => a with { At = date })],
    };
}
