using Microsoft.Extensions.Diagnostics.HealthChecks;
using MongoDB.Bson;
using MongoDB.Driver;
using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Storage.Mongo;
using static TokenWorkers.Tests.Storage.Mongo.MongoTestData;

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>
/// The store against a real MongoDB (skipped, with the reason, where none is reachable). A smoke set of the
/// contract; the shared conformance suite covers the rest.
/// </summary>
public class MongoConnectionStoreTests(MongoFixture mongo) : IClassFixture<MongoFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_inserted_connection_is_found_with_version_1_and_the_same_state()
    {
        await using var db = await mongo.CreateStoreAsync();
        var original = FullConnection();

        var inserted = await db.Store.TryInsertAsync(original, Cancel);
        var found = await db.Store.FindAsync(original.ConnectionId, Cancel);

        Assert.NotNull(inserted);
        Assert.NotNull(found);
        var expected = AsStored(original) with { Version = 1 };
        MongoAssert.SameConnection(expected, inserted);
        MongoAssert.SameConnection(expected, found);
    }

    [Fact]
    public async Task Inserting_an_existing_id_returns_null_and_changes_nothing()
    {
        await using var db = await mongo.CreateStoreAsync();
        await db.Store.TryInsertAsync(NewConnection("conn-1", "tenant-a"), Cancel);

        var second = await db.Store.TryInsertAsync(NewConnection("conn-1", "tenant-b"), Cancel);

        Assert.Null(second);
        Assert.Equal("tenant-a", (await db.Store.FindAsync("conn-1", Cancel))!.TenantId);
    }

    [Fact]
    public async Task An_update_at_the_expected_version_wins_and_the_same_update_again_loses()
    {
        await using var db = await mongo.CreateStoreAsync();
        var inserted = (await db.Store.TryInsertAsync(NewConnection("conn-1"), Cancel))!;
        var leased = inserted with
        {
            Lease = new Lease("worker-a", Now.AddMinutes(2)),
            PendingEvents = [new PendingEvent(EventId1, "TokenRefreshed", "{}", Now)],
        };

        var won = await db.Store.TryUpdateAsync(leased, expectedVersion: 1, Cancel);
        var lost = await db.Store.TryUpdateAsync(leased with { FailureCount = 9 }, expectedVersion: 1, Cancel);

        Assert.NotNull(won);
        Assert.Equal(2, won.Version);
        Assert.Equal(new Lease("worker-a", Stored(Now.AddMinutes(2))), won.Lease);
        Assert.Equal(EventId1, Assert.Single(won.PendingEvents).EventId);
        Assert.Null(lost);
        var stored = (await db.Store.FindAsync("conn-1", Cancel))!;
        Assert.Equal(2, stored.Version);
        Assert.Equal(0, stored.FailureCount);
    }

    [Fact]
    public async Task Of_concurrent_updates_at_the_same_version_exactly_one_wins()
    {
        await using var db = await mongo.CreateStoreAsync();
        var inserted = (await db.Store.TryInsertAsync(NewConnection("conn-1"), Cancel))!;

        var results = await Task.WhenAll(Enumerable.Range(1, 8).Select(i =>
            db.Store.TryUpdateAsync(inserted with { Lease = new Lease($"worker-{i}", Now) }, 1, Cancel)));

        var winner = Assert.Single(results, r => r is not null)!;
        Assert.Equal(winner.Lease, (await db.Store.FindAsync("conn-1", Cancel))!.Lease);
    }

    [Fact]
    public async Task Updating_a_missing_connection_returns_null_and_creates_nothing()
    {
        await using var db = await mongo.CreateStoreAsync();

        var result = await db.Store.TryUpdateAsync(NewConnection("ghost"), 1, Cancel);

        Assert.Null(result);
        Assert.Null(await db.Store.FindAsync("ghost", Cancel));
    }

    [Fact]
    public async Task The_due_query_returns_due_connections_earliest_first_up_to_the_limit()
    {
        await using var db = await mongo.CreateStoreAsync();
        await Insert(db, NewConnection("c-late") with { NextRefreshAt = Now.AddMinutes(-1) });
        await Insert(db, NewConnection("c-b-tie") with { NextRefreshAt = Now.AddMinutes(-5) });
        await Insert(db, NewConnection("c-a-tie") with { NextRefreshAt = Now.AddMinutes(-5) });
        await Insert(db, NewConnection("c-now") with { NextRefreshAt = Now });
        await Insert(db, NewConnection("c-future") with { NextRefreshAt = Now.AddTicks(TimeSpan.TicksPerMillisecond) });
        await Insert(db, NewConnection("c-unscheduled"));

        var all = await db.Store.FindDueAsync(Now, 10, Cancel);
        var first = await db.Store.FindDueAsync(Now, 2, Cancel);

        Assert.Equal(["c-a-tie", "c-b-tie", "c-late", "c-now"], all.Select(c => c.ConnectionId));
        Assert.Equal(["c-a-tie", "c-b-tie"], first.Select(c => c.ConnectionId));
    }

    [Fact]
    public async Task The_due_query_is_served_by_the_due_index()
    {
        await using var db = await mongo.CreateStoreAsync();
        await Insert(db, NewConnection("c-1") with { NextRefreshAt = Now });

        var explain = await db.Context.Database.RunCommandAsync<BsonDocument>(
            new BsonDocument
            {
                { "explain", new BsonDocument
                    {
                        { "find", db.Context.Options.Collections.Connections },
                        { "filter", BsonDocument.Parse("""{ "nextRefreshAt" : { "$type" : 9, "$lte" : ISODate("2030-01-01T00:00:00Z") } }""") },
                        { "sort", BsonDocument.Parse("""{ "nextRefreshAt" : 1, "_id" : 1 }""") },
                        { "limit", 10 },
                    }
                },
                { "verbosity", "queryPlanner" },
            },
            cancellationToken: Cancel);

        var winningPlan = explain["queryPlanner"]["winningPlan"].ToJson();
        Assert.Contains(ConnectionIndexes.Due, winningPlan, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SORT\"", winningPlan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_outbox_query_returns_connections_with_old_enough_events_oldest_first()
    {
        await using var db = await mongo.CreateStoreAsync();
        await Insert(db, NewConnection("c-recent") with { PendingEvents = [Event(Now.AddSeconds(-1))] });
        await Insert(db, NewConnection("c-old") with { PendingEvents = [Event(Now.AddSeconds(-5)), Event(Now.AddMinutes(-30))] });
        await Insert(db, NewConnection("c-older") with { PendingEvents = [Event(Now.AddMinutes(-10))] });
        await Insert(db, NewConnection("c-empty"));

        var stale = await db.Store.FindWithPendingEventsAsync(Now.AddSeconds(-2), 10, Cancel);

        Assert.Equal(["c-old", "c-older"], stale.Select(c => c.ConnectionId));
    }

    [Fact]
    public async Task Publishing_the_outbox_takes_a_connection_off_the_outbox_query()
    {
        await using var db = await mongo.CreateStoreAsync();
        var inserted = await Insert(db, NewConnection("c-1") with { PendingEvents = [Event(Now.AddMinutes(-1))] });

        await db.Store.TryUpdateAsync(inserted with { PendingEvents = [] }, inserted.Version, Cancel);

        Assert.Empty(await db.Store.FindWithPendingEventsAsync(Now, 10, Cancel));
        Assert.Equal(BsonNull.Value, (await db.RawConnections.Find(new BsonDocument()).SingleAsync(Cancel))["oldestPendingAt"]);
    }

    [Fact]
    public async Task Listing_pages_through_every_connection_by_id()
    {
        await using var db = await mongo.CreateStoreAsync();
        foreach (var id in new[] { "c-3", "c-1", "c-5", "c-2", "c-4" })
        {
            await Insert(db, NewConnection(id));
        }

        var page1 = await db.Store.ListAsync(null, 2, Cancel);
        var page2 = await db.Store.ListAsync(page1[^1].ConnectionId, 2, Cancel);
        var page3 = await db.Store.ListAsync(page2[^1].ConnectionId, 2, Cancel);
        var page4 = await db.Store.ListAsync(page3[^1].ConnectionId, 2, Cancel);

        Assert.Equal(["c-1", "c-2", "c-3", "c-4", "c-5"], page1.Concat(page2).Concat(page3).Select(c => c.ConnectionId));
        Assert.Empty(page4);
    }

    [Fact]
    public async Task Initializing_twice_leaves_exactly_the_declared_indexes()
    {
        await using var db = await mongo.CreateStoreAsync();

        await db.Store.InitializeAsync(Cancel);
        await db.Store.InitializeAsync(Cancel);

        var indexes = await (await db.RawConnections.Indexes.ListAsync(Cancel)).ToListAsync(Cancel);
        var byName = indexes.ToDictionary(i => i["name"].AsString);
        Assert.Equal(["_id_", "due_nextRefreshAt", "outbox_oldestPendingAt", "tenant_status"], byName.Keys.Order());
        MongoAssert.Bson("""{ "nextRefreshAt" : 1, "_id" : 1 }""", byName["due_nextRefreshAt"]["key"]);
        MongoAssert.Bson("""{ "nextRefreshAt" : { "$type" : 9 } }""", byName["due_nextRefreshAt"]["partialFilterExpression"]);
        MongoAssert.Bson("""{ "oldestPendingAt" : { "$type" : 9 } }""", byName["outbox_oldestPendingAt"]["partialFilterExpression"]);
        MongoAssert.Bson("""{ "tenantId" : 1, "status" : 1 }""", byName["tenant_status"]["key"]);
    }

    [Fact]
    public async Task The_stored_document_keeps_tokens_as_binary_and_instants_as_utc_dates()
    {
        await using var db = await mongo.CreateStoreAsync();
        await Insert(db, FullConnection());

        var raw = await db.RawConnections.Find(new BsonDocument("_id", "conn-full")).SingleAsync(Cancel);

        Assert.Equal(BsonType.Binary, raw["accessToken"]["data"].BsonType);
        Assert.Equal(BsonType.DateTime, raw["nextRefreshAt"].BsonType);
        Assert.Equal(BsonType.Int64, raw["version"].BsonType);
        Assert.Equal(BsonBinarySubType.UuidStandard, raw["pendingEvents"][0]["eventId"].AsBsonBinaryData.SubType);
        Assert.DoesNotContain("AQV-access-token-value", raw.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_health_check_is_healthy_when_the_server_answers()
    {
        await using var db = await mongo.CreateStoreAsync();
        var check = new MongoHealthCheck(db.Context);

        var result = await check.CheckHealthAsync(
            new HealthCheckContext { Registration = new HealthCheckRegistration("mongodb", check, HealthStatus.Unhealthy, ["ready"]) },
            Cancel);

        Assert.Equal(HealthStatus.Healthy, result.Status);
    }

    private static async Task<Connection> Insert(MongoTestStore db, Connection connection) =>
        await db.Store.TryInsertAsync(connection, Cancel) ?? throw new InvalidOperationException($"{connection.ConnectionId} exists");

    private static PendingEvent Event(DateTimeOffset createdAt) => new(Guid.NewGuid(), "TokenRefreshed", "{}", createdAt);

    private static Connection AsStored(Connection c) => c with
    {
        AccessTokenExpiresAt = Opt(c.AccessTokenExpiresAt),
        RefreshTokenExpiresAt = Opt(c.RefreshTokenExpiresAt),
        NextRefreshAt = Opt(c.NextRefreshAt),
        LastRefreshedAt = Opt(c.LastRefreshedAt),
        CreatedAt = MongoTestData.Stored(c.CreatedAt),
        Lease = c.Lease is { } l ? l with { Until = MongoTestData.Stored(l.Until) } : null,
        LastFailure = c.LastFailure is { } f ? f with { At = MongoTestData.Stored(f.At) } : null,
        ProblemSince = Opt(c.ProblemSince),
        WarningDeadline = Opt(c.WarningDeadline),
        PendingEvents = [.. c.PendingEvents.Select(e => e with { CreatedAt = MongoTestData.Stored(e.CreatedAt) })],
    };

    private static DateTimeOffset? Opt(DateTimeOffset? value) => value is { } v ? MongoTestData.Stored(v) : null;
}
