using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Posts;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Storage;

/// <summary>
/// What every <see cref="IPostLedger"/> adapter must answer, written once; an adapter's test class supplies
/// its ledger over empty data. Dates come back in UTC to the millisecond.
/// </summary>
public abstract class PostLedgerConformanceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, 123, TimeSpan.Zero);

    protected IPostLedger Ledger { get; private set; } = null!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A ledger over this test's data (empty when the test starts); every call returns one over the same data.</summary>
    protected abstract Task<IPostLedger> CreateLedgerAsync();

    protected abstract ValueTask DeleteDataAsync();

    public virtual async ValueTask InitializeAsync()
    {
        Ledger = await CreateLedgerAsync();
        await Ledger.InitializeAsync(Cancel);
    }

    public virtual async ValueTask DisposeAsync()
    {
        await DeleteDataAsync();
        GC.SuppressFinalize(this);
    }

    private static PostEntry Entry(string postId, string connectionId = "c-1") => new()
    {
        PostId = postId,
        ConnectionId = connectionId,
        Content = new PostContent("Hello 👋 world", PostVisibility.Connections, "https://example.com/a", "A title", "A description"),
        NotBefore = T0.AddMinutes(10),
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    [Fact]
    public async Task An_inserted_entry_reads_back_equal_with_version_1()
    {
        var writeId = Guid.NewGuid();
        var inserted = await Ledger.TryInsertAsync(Entry("p-1") with { Version = 42, WriteId = writeId }, Cancel);

        var found = await Ledger.FindAsync("p-1", Cancel);

        Assert.NotNull(inserted);
        Assert.Equal(1, inserted.Version);
        Assert.Equal(writeId, found?.WriteId);
        Assert.Equal(Snapshot.Of(inserted), Snapshot.Of(found));
        Assert.Equal("Hello 👋 world", found!.Content.Text);
        Assert.Equal(PostState.Received, found.State);
        Assert.Equal(T0, found.CreatedAt);
    }

    [Fact]
    public async Task A_page_posts_author_round_trips_and_a_members_post_has_none()
    {
        var page = Entry("p-page") with { Content = Entry("p-page").Content with { Author = "urn:li:organization:88910959" } };
        await Ledger.TryInsertAsync(page, Cancel);
        await Ledger.TryInsertAsync(Entry("p-member"), Cancel);

        var foundPage = await Ledger.FindAsync("p-page", Cancel);
        var foundMember = await Ledger.FindAsync("p-member", Cancel);

        Assert.Equal(page.Content, foundPage!.Content);
        Assert.Equal("urn:li:organization:88910959", foundPage.Content.Organization);
        Assert.Null(foundMember!.Content.Author);
    }

    [Fact]
    public async Task A_second_insert_of_the_same_post_id_changes_nothing()
    {
        await Ledger.TryInsertAsync(Entry("p-1"), Cancel);

        var second = await Ledger.TryInsertAsync(Entry("p-1", "c-other"), Cancel);

        Assert.Null(second);
        Assert.Equal("c-1", (await Ledger.FindAsync("p-1", Cancel))!.ConnectionId);
    }

    [Fact]
    public async Task An_update_on_the_read_version_wins_and_every_field_round_trips()
    {
        var inserted = (await Ledger.TryInsertAsync(Entry("p-1"), Cancel))!;
        var published = inserted with
        {
            State = PostState.Published,
            Attempts = 2,
            Urn = "urn:li:share:7141138937766391808",
            LastError = new PostError(FailureClass.Transient, "LinkedIn answered 503", T0.AddSeconds(1)),
            Claim = new Lease("worker-a/1", T0.AddMinutes(2)),
            AwaitingConnectionVersion = 7,
            Hold = new PostHold(PostHoldReason.DailyLimit, "LinkedIn's daily limit is reached", T0.AddHours(15), T0.AddSeconds(1), "tenant-a"),
            NotBefore = null,
            PublishAt = T0.AddHours(3),
            CancelReason = "campaign pulled 🛑",
            UpdatedAt = T0.AddSeconds(2),
            PendingEvents = [Some.PendingEvent(T0.AddSeconds(2), nameof(PostPublished), The.TraceParent)],
            WriteId = Guid.NewGuid(),
        };

        var stored = await Ledger.TryUpdateAsync(published, inserted.Version, Cancel);

        Assert.Equal(Snapshot.Of(published with { Version = 2 }), Snapshot.Of(stored));
        Assert.Equal(Snapshot.Of(stored), Snapshot.Of(await Ledger.FindAsync("p-1", Cancel)));
    }

    [Fact]
    public async Task Images_and_their_upload_steps_round_trip_and_a_forgotten_upload_url_stays_forgotten()
    {
        var inserted = (await Ledger.TryInsertAsync(Entry("p-img") with
        {
            Images = [new ImageUpload(ImageSource.MessageData, "urn:file:2026:03:01:10:00:a1b2", "A chart 📈"), new ImageUpload(ImageSource.Url, "https://cdn.example.com/b.png", null)],
        }, Cancel))!;
        var registered = inserted with
        {
            Images = [inserted.Images[0] with
            {
                Stage = ImageStage.Registered, ImageUrn = "urn:li:image:C4E10AQF", UploadUrl = "https://www.linkedin.com/dms-uploads/C4E10AQF/uploaded-image/0?ut=x",
                UploadUrlExpiresAt = T0.AddMinutes(30),
            }, inserted.Images[1] with { Stage = ImageStage.Ready, ImageUrn = "urn:li:image:B" }],
        };
        var stored = (await Ledger.TryUpdateAsync(registered, inserted.Version, Cancel))!;
        var uploaded = stored with { Images = [stored.Images[0] with { Stage = ImageStage.Uploaded, UploadUrl = null, UploadUrlExpiresAt = null }, stored.Images[1]] };

        await Ledger.TryUpdateAsync(uploaded, stored.Version, Cancel);

        Assert.Equal(Snapshot.Of(registered with { Version = 2 }), Snapshot.Of(stored));
        Assert.Equal(Snapshot.Of(uploaded with { Version = 3 }), Snapshot.Of(await Ledger.FindAsync("p-img", Cancel)));
        Assert.Empty((await Ledger.FindAsync("p-1", Cancel) ?? Entry("p-1")).Images);
    }

    [Fact]
    public async Task An_update_on_a_stale_version_or_a_missing_post_is_refused()
    {
        var inserted = (await Ledger.TryInsertAsync(Entry("p-1"), Cancel))!;
        await Ledger.TryUpdateAsync(inserted with { Attempts = 1 }, inserted.Version, Cancel);

        var stale = await Ledger.TryUpdateAsync(inserted with { State = PostState.Failed }, inserted.Version, Cancel);
        var missing = await Ledger.TryUpdateAsync(Entry("p-none"), 1, Cancel);

        Assert.Null(stale);
        Assert.Null(missing);
        var found = (await Ledger.FindAsync("p-1", Cancel))!;
        Assert.Equal(PostState.Received, found.State);
        Assert.Equal(2, found.Version);
    }

    [Fact]
    public async Task Concurrent_claims_on_one_version_have_exactly_one_winner()
    {
        var inserted = (await Ledger.TryInsertAsync(Entry("p-1"), Cancel))!;
        var second = await CreateLedgerAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
            (i % 2 == 0 ? Ledger : second).TryUpdateAsync(
                inserted with { State = PostState.Publishing, Claim = new Lease($"holder-{i}", T0.AddMinutes(1)) }, inserted.Version, Cancel)));

        var winner = Assert.Single(results, r => r is not null);
        Assert.Equal(Snapshot.Of(winner), Snapshot.Of(await Ledger.FindAsync("p-1", Cancel)));
    }

    [Fact]
    public async Task Due_entries_are_those_whose_not_before_has_passed_earliest_first()
    {
        await Ledger.TryInsertAsync(Entry("p-late") with { NotBefore = T0.AddHours(2) }, Cancel);
        await Ledger.TryInsertAsync(Entry("p-b") with { NotBefore = T0.AddHours(1) }, Cancel);
        await Ledger.TryInsertAsync(Entry("p-a") with { NotBefore = T0.AddMinutes(30) }, Cancel);
        await Ledger.TryInsertAsync(Entry("p-done") with { State = PostState.Published, NotBefore = null }, Cancel);

        var due = await Ledger.FindDueAsync(T0.AddHours(1), 10, Cancel);
        var limited = await Ledger.FindDueAsync(T0.AddHours(3), 1, Cancel);

        Assert.Equal(["p-a", "p-b"], due.Select(e => e.PostId));
        Assert.Equal(["p-a"], limited.Select(e => e.PostId));
    }

    [Fact]
    public async Task Posts_awaiting_reauth_are_listed_by_post_id_in_pages()
    {
        foreach (var id in new[] { "p-3", "p-1", "p-2" })
        {
            await Ledger.TryInsertAsync(Entry(id) with { State = PostState.AwaitingReauth, NotBefore = null, AwaitingConnectionVersion = 4 }, Cancel);
        }

        await Ledger.TryInsertAsync(Entry("p-0"), Cancel);

        var first = await Ledger.FindAwaitingReauthAsync(null, 2, Cancel);
        var next = await Ledger.FindAwaitingReauthAsync(first[^1].PostId, 2, Cancel);

        Assert.Equal(["p-1", "p-2"], first.Select(e => e.PostId));
        Assert.Equal(["p-3"], next.Select(e => e.PostId));
        Assert.All(first, e => Assert.Equal(4, e.AwaitingConnectionVersion));
    }

    [Fact]
    public async Task Initialize_is_idempotent_and_keeps_the_data()
    {
        await Ledger.TryInsertAsync(Entry("p-1"), Cancel);

        await Ledger.InitializeAsync(Cancel);
        var again = await CreateLedgerAsync();
        await again.InitializeAsync(Cancel);

        Assert.NotNull(await again.FindAsync("p-1", Cancel));
    }

    [Fact]
    public async Task Entries_with_pending_events_are_found_oldest_event_first_and_cleared_by_one_version_checked_write()
    {
        await Ledger.TryInsertAsync(Entry("p-none"), Cancel);
        var older = (await Ledger.TryInsertAsync(Entry("p-older") with { PendingEvents = [Some.PendingEvent(T0.AddSeconds(1), nameof(PostFailed))] }, Cancel))!;
        var newer = (await Ledger.TryInsertAsync(Entry("p-newer") with { PendingEvents = [Some.PendingEvent(T0.AddSeconds(5), nameof(PostPublished))] }, Cancel))!;

        Assert.Equal(["p-older", "p-newer"], (await Ledger.FindWithPendingEventsAsync(T0.AddSeconds(10), 10, Cancel)).Select(e => e.PostId));
        Assert.Equal(["p-older"], (await Ledger.FindWithPendingEventsAsync(T0.AddSeconds(2), 10, Cancel)).Select(e => e.PostId));

        Assert.False(await Ledger.TryClearPendingEventsAsync("p-older", older.Version + 1, Cancel));
        Assert.Single((await Ledger.FindAsync("p-older", Cancel))!.PendingEvents);
        Assert.True(await Ledger.TryClearPendingEventsAsync("p-older", older.Version, Cancel));

        var cleared = (await Ledger.FindAsync("p-older", Cancel))!;
        Assert.Empty(cleared.PendingEvents);
        Assert.Equal(older.Version, cleared.Version);
        Assert.Equal(Snapshot.Of(older with { PendingEvents = [] }), Snapshot.Of(cleared));
        Assert.Equal(["p-newer"], (await Ledger.FindWithPendingEventsAsync(T0.AddSeconds(10), 10, Cancel)).Select(e => e.PostId));
        Assert.Equal(newer.PendingEvents.Single().Payload, (await Ledger.FindAsync("p-newer", Cancel))!.PendingEvents.Single().Payload);
    }
}
