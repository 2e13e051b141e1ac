using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>
/// A row that cannot be read (a retired key, a tampered ciphertext, a malformed document) sorting first in the
/// scan's and the sweep's queries, end to end: every other connection is still refreshed and announced.
/// </summary>
public sealed class UnreadableRowTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string DatabasePath => Path.Combine(_host.DataDirectory, SqliteConnectionStore.FileName);

    public async ValueTask InitializeAsync() => _host = await PipelineHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [MemberData(nameof(SqliteBadRows.All), MemberType = typeof(SqliteBadRows))]
    public async Task A_bad_row_sorting_first_does_not_stop_the_scan_refreshing_every_other_connection(BadRow bad)
    {
        // Connected at the same moment, so all three are due together and the bad one sorts first (by id).
        await _host.ConnectAsync("a-bad");
        var (_, b) = await _host.ConnectAsync("b-good");
        var (_, c) = await _host.ConnectAsync("c-good");
        await SqliteBadRows.BreakAsync(DatabasePath, "a-bad", bad);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        var scan = await _host.ScanAsync();

        Assert.Equal(2, scan.Claimed);
        Assert.Equal(1, _host.RefreshExchanges(b.GrantId));
        Assert.Equal(1, _host.RefreshExchanges(c.GrantId));
        Assert.Single(_host.Events.Of<TokenRefreshed>("b-good"));
        Assert.Single(_host.Events.Of<TokenRefreshed>("c-good"));
        Assert.Empty(_host.Events.Of<TokenRefreshed>("a-bad"));
    }

    [Theory]
    [MemberData(nameof(SqliteBadRows.All), MemberType = typeof(SqliteBadRows))]
    public async Task A_bad_row_is_logged_critically_once_with_its_reason_and_never_with_a_token(BadRow bad)
    {
        var (_, grant) = await _host.ConnectAsync("a-bad");
        await _host.ConnectAsync("b-good");
        await SqliteBadRows.BreakAsync(DatabasePath, "a-bad", bad);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        for (var scan = 0; scan < 3; scan++)
        {
            await _host.ScanAsync();
            _host.Advance(TimeSpan.FromHours(2));
        }

        var critical = Assert.Single(_host.Logs.Lines, l => l.StartsWith("Critical", StringComparison.Ordinal) && l.Contains("a-bad", StringComparison.Ordinal));
        Assert.Contains(ExpectedReason(bad), critical, StringComparison.Ordinal);
        Assert.DoesNotContain(grant.AccessToken, _host.Logs.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(grant.RefreshToken!, _host.Logs.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(SqliteBadRows.All), MemberType = typeof(SqliteBadRows))]
    public async Task A_bad_row_found_by_the_scan_is_flagged_so_the_next_scans_do_not_read_it_again(BadRow bad)
    {
        await _host.ConnectAsync("a-bad");
        await _host.ConnectAsync("b-good");
        await SqliteBadRows.BreakAsync(DatabasePath, "a-bad", bad);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await _host.ScanAsync();
        _host.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, (await _host.Store.SummarizeAsync(Cancel)).Unreadable);
        // b-good is refreshed and due in 50 days; a-bad is still due, but flagged: the next batch does not hold it.
        var due = await _host.Store.FindDueAsync(_host.Now, 10, Cancel);
        Assert.Equal(0, due.Scanned);
    }

    [Fact]
    public async Task A_flagged_row_whose_key_is_configured_again_is_refreshed_after_the_recheck_and_loses_its_flag()
    {
        var (_, grant) = await _host.ConnectAsync("a-bad");
        await SqliteBadRows.BreakAsync(DatabasePath, "a-bad", BadRow.UnknownKey);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));
        await _host.ScanAsync();
        await SqliteBadRows.RestoreKeyIdAsync(DatabasePath, "a-bad", "test-1");

        await _host.ScanAsync();
        Assert.Equal(0, _host.RefreshExchanges(grant.GrantId));
        _host.Advance(UnreadableRow.RecheckAfter);
        await _host.ScanAsync();

        Assert.Equal(1, _host.RefreshExchanges(grant.GrantId));
        Assert.Single(_host.Events.Of<TokenRefreshed>("a-bad"));
        Assert.Equal(0, (await _host.Store.SummarizeAsync(Cancel)).Unreadable);
    }

    [Theory]
    [MemberData(nameof(SqliteBadRows.All), MemberType = typeof(SqliteBadRows))]
    public async Task A_bad_row_sorting_first_does_not_stop_the_outbox_sweep_publishing_the_others_events(BadRow bad)
    {
        foreach (var id in new[] { "a-bad", "b-good" })
        {
            var (connection, _) = await _host.ConnectAsync(id);
            // The state write happened, the process died before publishing: the event sits in the outbox.
            var warning = ConnectionEvents.ReauthSoon(
                connection, connection.Version + 1, _host.Now, ReauthReason.RefreshTokenEnding, _host.Now.AddDays(30), 30, null);
            Assert.NotNull(await _host.Store.TryUpdateAsync(connection.WithEvents(warning), connection.Version, Cancel));
        }

        await SqliteBadRows.BreakAsync(DatabasePath, "a-bad", bad);
        _host.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(1, await _host.SweepAsync());

        Assert.Single(_host.Events.Of<ReauthSoon>("b-good"));
        Assert.Empty((await _host.GetAsync("b-good")).PendingEvents);
    }

    /// <summary>The reason a bad row is flagged with, as the API, the page and the log spell it.</summary>
    internal static string ExpectedReason(BadRow bad) => bad switch
    {
        BadRow.UnknownKey => "UnknownKey",
        BadRow.TamperedCiphertext => "Tampered",
        _ => "Malformed",
    };
}
