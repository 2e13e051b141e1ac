using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using TokenWorkers.Events;
using TokenWorkers.Storage.Mongo;
using static TokenWorkers.Tests.Storage.Mongo.MongoTestData;

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>What the store sends to MongoDB, rendered by the driver exactly as it goes on the wire. No server needed.</summary>
public class ConnectionDefinitionRenderingTests
{
    private readonly RenderArgs<ConnectionDocument> _args;
    private readonly ConnectionDocumentMapper _mapper = new(new TestTokenCodec());

    public ConnectionDefinitionRenderingTests()
    {
        ConnectionDocumentMaps.EnsureRegistered();
        _args = new RenderArgs<ConnectionDocument>(
            BsonSerializer.LookupSerializer<ConnectionDocument>(), BsonSerializer.SerializerRegistry);
    }

    [Fact]
    public void Every_write_is_filtered_on_the_id_and_the_expected_version()
    {
        MongoAssert.Bson(
            """{ "_id" : "conn-1", "version" : NumberLong(41) }""",
            ConnectionFilters.ByIdAndVersion("conn-1", 41).Render(_args));
    }

    [Fact]
    public void Reads_by_id_are_filtered_on_the_id_alone()
    {
        MongoAssert.Bson("""{ "_id" : "conn-1" }""", ConnectionFilters.ById("conn-1").Render(_args));
    }

    [Fact]
    public void The_update_increments_the_version_as_a_64_bit_integer()
    {
        var update = Render(ConnectionWrites.ReplaceState(_mapper.ToDocument(NewConnection("conn-1"), 2)));

        MongoAssert.Bson("""{ "version" : NumberLong(1) }""", update["$inc"]);
        Assert.Equal(["$set", "$inc"], update.Names);
    }

    [Fact]
    public void The_update_sets_every_state_field_and_never_the_id_or_the_version()
    {
        var update = Render(ConnectionWrites.ReplaceState(_mapper.ToDocument(NewConnection("conn-1"), 2)));
        var everyElement = BsonClassMap.LookupClassMap(typeof(ConnectionDocument)).AllMemberMaps.Select(m => m.ElementName);

        Assert.Equal(everyElement.Except(["_id", "version"]).Order(), update["$set"].AsBsonDocument.Names.Order());
        Assert.Equal(23, update["$set"].AsBsonDocument.ElementCount);
        // Every write of a readable state clears an unreadable flag.
        Assert.Equal(BsonNull.Value, update["$set"]["unreadable"]);
    }

    [Fact]
    public void The_lease_the_outbox_and_the_state_change_travel_in_the_same_set()
    {
        var connection = FullConnection();

        var set = Render(ConnectionWrites.ReplaceState(_mapper.ToDocument(connection, 8)))["$set"].AsBsonDocument;

        MongoAssert.Bson("""{ "holder" : "worker-a/1234", "until" : ISODate("2026-03-01T10:02:00.123Z") }""", set["lease"]);
        MongoAssert.Bson(
            """
            { "v" : [
                { "eventId" : UUID("0f8fad5b-d9cb-469f-a165-70867728950e"), "kind" : "ReauthRequired",
                  "payload" : "{\"connectionId\":\"conn-full\"}", "createdAt" : ISODate("2026-03-01T09:59:00.123Z") },
                { "eventId" : UUID("7c9e6679-7425-40de-944b-e07fc1f90ae7"), "kind" : "ReauthSoon",
                  "payload" : "{\"daysBefore\":14}", "createdAt" : ISODate("2026-03-01T09:57:00.123Z") } ] }
            """,
            new BsonDocument("v", set["pendingEvents"]));
        MongoAssert.Bson("""{ "v" : ISODate("2026-03-01T09:57:00.123Z") }""", new BsonDocument("v", set["oldestPendingAt"]));
        Assert.Equal("ReauthRequired", set["status"].AsString);
        Assert.Equal(3, set["failureCount"].AsInt32);
        // The writer recognises its own write by version and write id after a lost acknowledgement.
        MongoAssert.Bson("""{ "v" : UUID("3f2504e0-4f89-41d3-9a0c-0305e82c3301") }""", new BsonDocument("v", set["writeId"]));
    }

    [Fact]
    public void Releasing_the_lease_and_emptying_the_outbox_are_written_not_skipped()
    {
        var released = NewConnection("conn-1") with { Lease = null, PendingEvents = [] };

        var set = Render(ConnectionWrites.ReplaceState(_mapper.ToDocument(released, 5)))["$set"].AsBsonDocument;

        Assert.Equal(BsonNull.Value, set["lease"]);
        Assert.Equal(new BsonArray(), set["pendingEvents"]);
        Assert.Equal(BsonNull.Value, set["oldestPendingAt"]);
        Assert.Equal(BsonNull.Value, set["nextRefreshAt"]);
        Assert.Equal(BsonNull.Value, set["refreshToken"]);
    }

    [Fact]
    public void The_due_query_takes_scheduled_connections_up_to_now_earliest_first_except_those_flagged_unreadable_within_the_hour()
    {
        MongoAssert.Bson(
            """
            { "nextRefreshAt" : { "$type" : 9, "$lte" : ISODate("2026-03-01T10:00:00.123Z") },
              "$or" : [ { "unreadable" : null }, { "unreadable.at" : { "$lte" : ISODate("2026-03-01T09:00:00.123Z") } } ] }
            """,
            ConnectionFilters.DueAt(Now).Render(_args));
        MongoAssert.Bson("""{ "nextRefreshAt" : 1, "_id" : 1 }""", ConnectionSorts.EarliestDueFirst.Render(_args));
    }

    [Fact]
    public void The_outbox_query_takes_connections_whose_oldest_pending_event_is_old_enough_oldest_first_except_those_flagged_unreadable()
    {
        MongoAssert.Bson(
            """
            { "oldestPendingAt" : { "$type" : 9, "$lte" : ISODate("2026-03-01T09:59:50.123Z") },
              "$or" : [ { "unreadable" : null }, { "unreadable.at" : { "$lte" : ISODate("2026-03-01T08:59:50.123Z") } } ] }
            """,
            ConnectionFilters.PendingAtOrBefore(Now.AddSeconds(-10)).Render(_args));
        MongoAssert.Bson("""{ "oldestPendingAt" : 1, "_id" : 1 }""", ConnectionSorts.OldestPendingFirst.Render(_args));
    }

    [Fact]
    public void The_list_query_pages_by_id()
    {
        MongoAssert.Bson("""{ "_id" : { "$gt" : "conn-5" } }""", ConnectionFilters.After("conn-5").Render(_args));
        MongoAssert.Bson("{ }", ConnectionFilters.After(null).Render(_args));
        MongoAssert.Bson("""{ "_id" : 1 }""", ConnectionSorts.ById.Render(_args));
    }

    [Fact]
    public void The_indexes_serve_the_due_outbox_and_tenant_queries()
    {
        var indexes = ConnectionIndexes.All.ToDictionary(i => i.Options.Name);

        Assert.Equal(["due_nextRefreshAt", "outbox_oldestPendingAt", "tenant_status"], indexes.Keys.Order());
        MongoAssert.Bson("""{ "nextRefreshAt" : 1, "_id" : 1 }""", indexes["due_nextRefreshAt"].Keys.Render(_args));
        MongoAssert.Bson("""{ "nextRefreshAt" : { "$type" : 9 } }""", PartialFilter(indexes["due_nextRefreshAt"]));
        MongoAssert.Bson("""{ "oldestPendingAt" : 1, "_id" : 1 }""", indexes["outbox_oldestPendingAt"].Keys.Render(_args));
        MongoAssert.Bson("""{ "oldestPendingAt" : { "$type" : 9 } }""", PartialFilter(indexes["outbox_oldestPendingAt"]));
        MongoAssert.Bson("""{ "tenantId" : 1, "status" : 1 }""", indexes["tenant_status"].Keys.Render(_args));
        Assert.Null(indexes["tenant_status"].Options.Unique);
        Assert.Null(indexes["tenant_status"].Options.Sparse);
    }

    [Fact]
    public void Each_partial_index_filter_is_part_of_the_query_it_serves_so_the_planner_can_use_it()
    {
        // The planner uses a partial index only when the query implies its filter; it does not derive
        // { $type: date } from $lte, so the query carries the filter itself.
        var due = ConnectionFilters.DueAt(Now).Render(_args)["nextRefreshAt"].AsBsonDocument;
        var pending = ConnectionFilters.PendingAtOrBefore(Now).Render(_args)["oldestPendingAt"].AsBsonDocument;

        Assert.Equal(PartialFilter(ConnectionIndexes.All[0])["nextRefreshAt"]["$type"], due["$type"]);
        Assert.Equal(PartialFilter(ConnectionIndexes.All[1])["oldestPendingAt"]["$type"], pending["$type"]);
    }

    [Fact]
    public void The_summary_groups_by_status_with_a_count_and_the_earliest_deadlines_of_the_stored_element_names()
    {
        var stages = ConnectionAggregations.Summary.Render(_args).Documents;

        var group = Assert.Single(stages);
        MongoAssert.Bson(
            """
            { "$group" : { "_id" : "$status", "count" : { "$sum" : 1 },
                           "earliestAccessTokenExpiry" : { "$min" : "$accessTokenExpiresAt" },
                           "earliestRefreshTokenEnd" : { "$min" : "$refreshTokenExpiresAt" },
                           "unreadable" : { "$sum" : { "$cond" : [ { "$eq" : [ { "$type" : "$unreadable" }, "object" ] }, 1, 0 ] } } } }
            """,
            group);
        var elementNames = BsonClassMap.LookupClassMap(typeof(ConnectionDocument)).AllMemberMaps.Select(m => m.ElementName).ToHashSet();
        Assert.Contains("status", elementNames);
        Assert.Contains("accessTokenExpiresAt", elementNames);
        Assert.Contains("refreshTokenExpiresAt", elementNames);
    }

    [Fact]
    public void Flagging_a_document_unreadable_sets_only_its_flag_filtered_on_the_version_read()
    {
        var row = new UnreadableRow("conn-1", 41, UnreadableReason.Tampered, "does not authenticate");

        MongoAssert.Bson(
            """{ "$set" : { "unreadable" : { "reason" : "Tampered", "message" : "does not authenticate", "at" : ISODate("2026-03-01T10:00:00.123Z") } } }""",
            Render(ConnectionWrites.Flag(row, Now)));
        MongoAssert.Bson("""{ "_id" : "conn-1", "version" : NumberLong(41) }""", ConnectionFilters.ByIdAndVersion(row.Id, row.Version).Render(_args));
    }

    [Fact]
    public void The_reencryption_query_takes_tokens_under_another_key_or_flagged_documents_by_id()
    {
        MongoAssert.Bson(
            """
            { "_id" : { "$gt" : "conn-5" },
              "$or" : [ { "accessToken.keyId" : { "$type" : 2, "$ne" : "key-b" } },
                        { "refreshToken.keyId" : { "$type" : 2, "$ne" : "key-b" } },
                        { "unreadable" : { "$type" : 3 } } ] }
            """,
            ConnectionFilters.NotUnderKey("key-b", "conn-5").Render(_args));
    }

    [Fact]
    public void Connections_are_counted_once_per_key_id_their_tokens_are_under()
    {
        var stages = ConnectionAggregations.ConnectionsByKeyId.Render(_args).Documents;

        MongoAssert.Bson(
            """
            { "v" : [
                { "$project" : { "_id" : 0, "keys" : { "$setUnion" : [ [ "$accessToken.keyId", "$refreshToken.keyId" ] ] } } },
                { "$unwind" : "$keys" },
                { "$match" : { "keys" : { "$type" : "string" } } },
                { "$group" : { "_id" : "$keys", "count" : { "$sum" : 1 } } } ] }
            """,
            new BsonDocument("v", new BsonArray(stages)));
    }

    private BsonDocument Render(UpdateDefinition<ConnectionDocument> update) => update.Render(_args).AsBsonDocument;

    private BsonDocument PartialFilter(CreateIndexModel<ConnectionDocument> index) =>
        Assert.IsType<CreateIndexOptions<ConnectionDocument>>(index.Options).PartialFilterExpression.Render(_args);
}
