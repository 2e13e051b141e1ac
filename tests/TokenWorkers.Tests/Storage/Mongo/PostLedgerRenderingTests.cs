using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;
using TokenWorkers.Storage.Mongo;

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>What the Mongo ledger sends, rendered by the driver as it goes on the wire, and its BSON mapping. No server needed.</summary>
public class PostLedgerRenderingTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 1, 10, 0, 0, 123, TimeSpan.Zero);
    private readonly RenderArgs<PostDocument> _args;

    public PostLedgerRenderingTests()
    {
        PostDocumentMaps.EnsureRegistered();
        _args = new RenderArgs<PostDocument>(BsonSerializer.LookupSerializer<PostDocument>(), BsonSerializer.SerializerRegistry);
    }

    private static PostEntry Entry() => new()
    {
        PostId = "p-1",
        ConnectionId = "c-1",
        Content = new PostContent("Hello", PostVisibility.Connections, "https://example.com", "T", "D"),
        State = PostState.AwaitingReauth,
        Attempts = 2,
        Urn = null,
        LastError = new PostError(FailureClass.Reauth, "log in again", At),
        NotBefore = At.AddMinutes(5),
        Claim = new Lease("w/1", At.AddMinutes(2)),
        AwaitingConnectionVersion = 9,
        Version = 3,
        CreatedAt = At,
        UpdatedAt = At.AddSeconds(1),
        PendingEvents = [TestSupport.Some.PendingEvent(At, "PostFailed")],
        WriteId = Guid.Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
    };

    [Fact]
    public void Every_write_is_filtered_on_the_id_and_the_expected_version()
    {
        MongoAssert.Bson("""{ "_id" : "p-1", "version" : NumberLong(41) }""", PostLedgerQueries.ByIdAndVersion("p-1", 41).Render(_args));
    }

    [Fact]
    public void The_update_sets_every_field_but_id_and_version_and_increments_the_version()
    {
        var update = PostLedgerQueries.ReplaceState(PostDocument.From(Entry(), 4)).Render(_args).AsBsonDocument;

        Assert.Equal(new BsonDocument("version", new BsonInt64(1)), update["$inc"].AsBsonDocument);
        var set = update["$set"].AsBsonDocument;
        Assert.False(set.Contains("_id"));
        Assert.False(set.Contains("version"));
        Assert.Equal("AwaitingReauth", set["state"].AsString);
        Assert.Equal("Connections", set["visibility"].AsString);
        Assert.Equal(BsonType.DateTime, set["notBefore"].BsonType);
        Assert.Equal(new BsonInt64(9), set["awaitingConnectionVersion"]);
        Assert.Equal("Reauth", set["lastError"]["class"].AsString);
        Assert.Equal("w/1", set["claim"]["holder"].AsString);
        Assert.Equal(BsonNull.Value, set["hold"]);
        Assert.Equal(BsonBinarySubType.UuidStandard, set["writeId"].AsBsonBinaryData.SubType);
        Assert.Equal(Guid.Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301"), set["writeId"].AsBsonBinaryData.ToGuid(GuidRepresentation.Standard));
    }

    [Fact]
    public void The_due_query_compares_notBefore_as_a_date_and_its_index_is_partial()
    {
        MongoAssert.Bson(
            """{ "notBefore" : { "$type" : 9, "$lte" : ISODate("2026-03-01T10:00:00.123Z") } }""", PostLedgerQueries.DueAt(At).Render(_args));
        MongoAssert.Bson("""{ "notBefore" : 1, "_id" : 1 }""", PostLedgerQueries.EarliestFirst.Render(_args));
        MongoAssert.Bson("""{ "notBefore" : { "$type" : 9 } }""", PartialFilter(PostLedgerQueries.DueIndex));
    }

    [Fact]
    public void Each_partial_index_filter_is_part_of_the_query_it_serves_so_the_planner_can_use_it()
    {
        // The planner uses a partial index only when the query implies its filter; it does not derive
        // { $type: date } from $lte, so the query carries the filter itself.
        var due = PostLedgerQueries.DueAt(At).Render(_args);
        var pending = PostLedgerQueries.PendingAtOrBefore(At).Render(_args);
        var awaiting = PostLedgerQueries.AwaitingReauthAfter("p-1").Render(_args);

        Assert.Equal(PartialFilter(PostLedgerQueries.DueIndex)["notBefore"]["$type"], due["notBefore"]["$type"]);
        Assert.Equal(PartialFilter(PostLedgerQueries.PendingIndex)["oldestPendingAt"]["$type"], pending["oldestPendingAt"]["$type"]);
        Assert.Equal(PartialFilter(PostLedgerQueries.AwaitingIndex)["state"], awaiting["state"]);
    }

    [Fact]
    public void The_awaiting_reauth_query_pages_by_id()
    {
        MongoAssert.Bson("""{ "state" : "AwaitingReauth", "_id" : { "$gt" : "p-1" } }""", PostLedgerQueries.AwaitingReauthAfter("p-1").Render(_args));
        MongoAssert.Bson("""{ "state" : "AwaitingReauth" }""", PostLedgerQueries.AwaitingReauthAfter(null).Render(_args));
    }

    [Fact]
    public void An_entry_survives_a_BSON_round_trip()
    {
        var entry = Entry();
        var bson = PostDocument.From(entry, 3).ToBsonDocument();

        var back = BsonSerializer.Deserialize<PostDocument>(bson).ToEntry();

        Assert.Equal(TestSupport.Snapshot.Of(entry), TestSupport.Snapshot.Of(back));
        Assert.Equal("p-1", bson["_id"].AsString);
        Assert.Equal(new BsonInt64(3), bson["version"]);
    }

    [Fact]
    public void The_outbox_is_found_by_its_oldest_event_and_cleared_without_touching_the_version()
    {
        MongoAssert.Bson(
            """{ "oldestPendingAt" : { "$type" : 9, "$lte" : ISODate("2026-03-01T10:00:00Z") } }""",
            PostLedgerQueries.PendingAtOrBefore(new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero)).Render(_args));
        MongoAssert.Bson(
            """{ "$set" : { "pendingEvents" : [], "oldestPendingAt" : null } }""",
            PostLedgerQueries.ClearPendingEvents.Render(_args));
    }

    [Fact]
    public void An_entry_stored_before_posts_had_an_outbox_reads_back_with_an_empty_one()
    {
        var bson = PostDocument.From(Entry() with { PendingEvents = [] }, 3).ToBsonDocument();
        bson.Remove("pendingEvents");
        bson.Remove("oldestPendingAt");

        var back = BsonSerializer.Deserialize<PostDocument>(bson).ToEntry();

        Assert.Empty(back.PendingEvents);
        Assert.Equal("p-1", back.PostId);
    }

    private BsonDocument PartialFilter(string indexName) =>
        Assert.IsType<CreateIndexOptions<PostDocument>>(PostLedgerQueries.Indexes.Single(i => i.Options.Name == indexName).Options)
            .PartialFilterExpression.Render(_args);
}
