using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage;

/// <summary>
/// Rows that cannot be read (a key not configured, a tampered ciphertext, a malformed document): every adapter returns
/// them in their place instead of failing the query, flags them on request, and helps rotate keys.
/// </summary>
public abstract partial class ConnectionStoreConformanceTests
{
    /// <summary>Makes the stored row of <paramref name="connectionId"/> unreadable behind the store's back, as <paramref name="bad"/> says.</summary>
    protected abstract Task BreakAsync(string connectionId, BadRow bad);

    // ---- Unreadable rows ----

    [Theory]
    [MemberData(nameof(SqliteBadRows.All), MemberType = typeof(SqliteBadRows))]
    public async Task A_bad_row_comes_back_in_its_place_from_every_query_and_every_other_row_is_read(BadRow bad)
    {
        await InsertBadAndGoodAsync();
        await BreakAsync("a-bad", bad);
        var reason = ReasonOf(bad);

        var due = await Store.FindDueAsync(The.Now, 10, Cancel);
        var pending = await Store.FindWithPendingEventsAsync(The.Now, 10, Cancel);
        var page = await Store.ListAsync(null, 10, Cancel);
        var single = await Assert.ThrowsAsync<UnreadableRowException>(() => Store.FindAsync("a-bad", Cancel));

        foreach (var batch in new[] { due, pending, page })
        {
            Assert.Equal(["b-good", "c-good"], batch.Select(c => c.ConnectionId));
            var row = Assert.Single(batch.Unreadable);
            Assert.Equal(("a-bad", 1L, reason, (DateTimeOffset?)null), (row.Id, row.Version, row.Reason, row.FlaggedAt));
            Assert.DoesNotContain(The.AccessTokenValue, row.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(The.RefreshTokenValue, row.Message, StringComparison.Ordinal);
            Assert.Equal(3, batch.Scanned);
        }

        Assert.Equal("c-good", page.LastId);
        Assert.Equal(reason, single.Row?.Reason);
        Assert.Equal(3, (await Store.SummarizeAsync(Cancel)).CountOf(ConnectionStatus.Active));
    }

    [Fact]
    public async Task A_bad_row_last_on_a_page_still_moves_the_page_on()
    {
        await InsertBadAndGoodAsync();
        await BreakAsync("c-good", BadRow.TamperedCiphertext);

        var first = await Store.ListAsync(null, 2, Cancel);
        var second = await Store.ListAsync(first.LastId, 2, Cancel);

        Assert.Equal(["a-bad", "b-good"], first.Select(c => c.ConnectionId));
        Assert.Equal("b-good", first.LastId);
        Assert.Empty(second);
        Assert.Equal("c-good", Assert.Single(second.Unreadable).Id);
        Assert.Equal("c-good", second.LastId);
    }

    [Fact]
    public async Task A_flagged_row_is_left_out_of_the_due_and_outbox_queries_until_its_flag_is_an_hour_old_and_is_still_listed()
    {
        await InsertBadAndGoodAsync();
        await BreakAsync("a-bad", BadRow.MalformedDocument);
        var found = Assert.Single((await Store.FindDueAsync(The.Now, 10, Cancel)).Unreadable);

        Assert.True(await Store.TryFlagUnreadableAsync(found, The.Now, Cancel));

        Assert.Empty((await Store.FindDueAsync(The.Now, 10, Cancel)).Unreadable);
        Assert.Empty((await Store.FindWithPendingEventsAsync(The.Now, 10, Cancel)).Unreadable);
        Assert.Empty((await Store.FindDueAsync(The.Now + UnreadableRow.RecheckAfter - TimeSpan.FromSeconds(1), 10, Cancel)).Unreadable);
        var recheck = The.Now + UnreadableRow.RecheckAfter;
        Assert.Equal(The.Now, Assert.Single((await Store.FindDueAsync(recheck, 10, Cancel)).Unreadable).FlaggedAt);
        Assert.Equal(The.Now, Assert.Single((await Store.FindWithPendingEventsAsync(recheck, 10, Cancel)).Unreadable).FlaggedAt);
        Assert.Equal(The.Now, Assert.Single((await Store.ListAsync(null, 10, Cancel)).Unreadable).FlaggedAt);
        Assert.Equal(["b-good", "c-good"], (await Store.FindDueAsync(The.Now, 10, Cancel)).Select(c => c.ConnectionId));
        Assert.Equal(1, (await Store.SummarizeAsync(Cancel)).Unreadable);
        Assert.Equal(1, (await Store.CountByKeyIdAsync(Cancel)).Unreadable);
    }

    [Fact]
    public async Task A_flag_is_conditional_on_the_version_read_keeps_the_version_and_the_next_write_clears_it()
    {
        var stored = (await Store.TryInsertAsync(Due("b-good"), Cancel))!;
        var row = new UnreadableRow("b-good", stored.Version, UnreadableReason.Malformed, "flagged by an instance that could not parse it");

        Assert.False(await Store.TryFlagUnreadableAsync(row with { Version = 7 }, The.Now, Cancel));
        Assert.Single(await Store.FindDueAsync(The.Now, 10, Cancel));
        Assert.True(await Store.TryFlagUnreadableAsync(row, The.Now, Cancel));
        Assert.Empty(await Store.FindDueAsync(The.Now, 10, Cancel));
        Assert.Equal(1, (await Store.FindAsync("b-good", Cancel))?.Version);

        Assert.NotNull(await Store.TryUpdateAsync(stored with { FailureCount = 1 }, stored.Version, Cancel));

        Assert.Single(await Store.FindDueAsync(The.Now, 10, Cancel));
        Assert.Equal(0, (await Store.SummarizeAsync(Cancel)).Unreadable);
    }

    // ---- Key rotation ----

    [Fact]
    public async Task The_reencryption_query_finds_in_id_order_the_rows_under_another_key_and_the_flagged_ones()
    {
        await InsertAllAsync(Some.Connection("r-1"), Some.BareConnection("r-2"));
        var rotated = await OpenStoreAsync(Some.Protector(The.KeyBId, The.KeyAId, The.KeyBId));
        await rotated.TryInsertAsync(Some.Connection("r-3"), Cancel);
        await rotated.TryInsertAsync(Some.Connection("r-4"), Cancel);
        await Store.TryInsertAsync(Some.Connection("r-5"), Cancel);
        await rotated.TryFlagUnreadableAsync(new UnreadableRow("r-4", 1, UnreadableReason.Tampered, "flagged"), The.Now, Cancel);

        var first = await rotated.FindNotUnderActiveKeyAsync(null, 2, Cancel);
        var second = await rotated.FindNotUnderActiveKeyAsync(first.LastId, 2, Cancel);
        var usage = await rotated.CountByKeyIdAsync(Cancel);

        Assert.Equal(["r-1", "r-4"], first.Select(c => c.ConnectionId));
        Assert.Equal(["r-5"], second.Select(c => c.ConnectionId));
        Assert.Equal(The.KeyBId, usage.ActiveKeyId);
        Assert.Equal(new Dictionary<string, long> { [The.KeyAId] = 2, [The.KeyBId] = 2 }, usage.ConnectionsByKeyId);
        Assert.Equal(2, usage.UnderOtherKeys);
        Assert.Equal(1, usage.Unreadable);
    }

    [Fact]
    public async Task A_row_rewritten_by_a_store_with_another_active_key_is_under_that_key_and_readable_by_a_store_holding_only_it()
    {
        await Store.TryInsertAsync(Some.Connection(), Cancel);
        var rotated = await OpenStoreAsync(Some.Protector(The.KeyBId, The.KeyAId, The.KeyBId));
        var onlyKeyB = await OpenStoreAsync(Some.Protector(The.KeyBId));
        var row = Assert.Single(await rotated.FindNotUnderActiveKeyAsync(null, 10, Cancel));

        await rotated.TryUpdateAsync(row, row.Version, Cancel);

        Assert.Empty(await rotated.FindNotUnderActiveKeyAsync(null, 10, Cancel));
        Assert.Equal(new Dictionary<string, long> { [The.KeyBId] = 1 }, (await rotated.CountByKeyIdAsync(Cancel)).ConnectionsByKeyId);
        Assert.Equal(The.RefreshToken, (await onlyKeyB.FindAsync(The.ConnectionId, Cancel))?.RefreshToken);
    }

    private async Task InsertBadAndGoodAsync()
    {
        // All due, all with a pending event; the bad one sorts first in every query.
        foreach (var id in new[] { "a-bad", "b-good", "c-good" })
        {
            Assert.NotNull(await Store.TryInsertAsync(Due(id), Cancel));
        }
    }

    private static Connection Due(string id) => Some.Connection(id) with
    {
        NextRefreshAt = The.Now.AddMinutes(-1),
        PendingEvents = [Some.PendingEvent(The.Now.AddMinutes(-1))],
    };

    private static UnreadableReason ReasonOf(BadRow bad) => bad switch
    {
        BadRow.UnknownKey => UnreadableReason.UnknownKey,
        BadRow.TamperedCiphertext => UnreadableReason.Tampered,
        _ => UnreadableReason.Malformed,
    };
}
