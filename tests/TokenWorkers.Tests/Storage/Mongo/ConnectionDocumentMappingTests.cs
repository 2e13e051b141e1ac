using System.Text;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using TokenWorkers.Connections;
using TokenWorkers.Storage.Mongo;
using static TokenWorkers.Tests.Storage.Mongo.MongoTestData;

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>The BSON shape of a connection document, through the driver's own serializers. No server needed.</summary>
public class ConnectionDocumentMappingTests
{
    private readonly ConnectionDocumentMapper _mapper = new(new TestTokenCodec());

    public ConnectionDocumentMappingTests() => ConnectionDocumentMaps.EnsureRegistered();

    [Fact]
    public void A_full_connection_round_trips_through_bson_bytes_exactly_to_the_millisecond()
    {
        var original = FullConnection();

        var bytes = _mapper.ToDocument(original, original.Version).ToBson();
        var read = _mapper.ToConnection(BsonSerializer.Deserialize<ConnectionDocument>(bytes));

        var expected = original with
        {
            AccessTokenExpiresAt = new DateTimeOffset(2026, 4, 30, 10, 0, 0, 0, TimeSpan.Zero),
            RefreshTokenExpiresAt = new DateTimeOffset(2027, 3, 1, 10, 0, 0, 0, TimeSpan.Zero),
            NextRefreshAt = new DateTimeOffset(2026, 3, 21, 10, 0, 0, 123, TimeSpan.Zero),
            LastRefreshedAt = new DateTimeOffset(2026, 2, 28, 10, 0, 0, 123, TimeSpan.Zero),
            CreatedAt = new DateTimeOffset(2026, 1, 30, 10, 0, 0, 123, TimeSpan.Zero),
            Lease = new Lease("worker-a/1234", new DateTimeOffset(2026, 3, 1, 10, 2, 0, 123, TimeSpan.Zero)),
            LastFailure = original.LastFailure! with { At = new DateTimeOffset(2026, 3, 1, 9, 0, 0, 123, TimeSpan.Zero) },
            ProblemSince = new DateTimeOffset(2026, 3, 1, 5, 0, 0, 123, TimeSpan.Zero),
            WarningDeadline = new DateTimeOffset(2026, 4, 10, 10, 0, 0, 123, TimeSpan.Zero),
            PendingEvents =
            [
                original.PendingEvents[0] with { CreatedAt = new DateTimeOffset(2026, 3, 1, 9, 59, 0, 123, TimeSpan.Zero) },
                original.PendingEvents[1] with { CreatedAt = new DateTimeOffset(2026, 3, 1, 9, 57, 0, 123, TimeSpan.Zero) },
            ],
            Attempts =
            [
                original.Attempts[0] with { At = new DateTimeOffset(2026, 1, 30, 10, 0, 0, 123, TimeSpan.Zero) },
                original.Attempts[1] with { At = new DateTimeOffset(2026, 3, 1, 9, 0, 0, 0, TimeSpan.Zero) },
            ],
        };
        MongoAssert.SameConnection(expected, read);
    }

    [Fact]
    public void A_full_connection_document_has_the_agreed_element_names_and_bson_types()
    {
        var document = _mapper.ToDocument(FullConnection(), 7).ToBsonDocument();

        var access = Convert.ToBase64String(TestTokenCodec.Encode("Access|conn-full|AQV-access-token-value"));
        var refresh = Convert.ToBase64String(TestTokenCodec.Encode("Refresh|conn-full|AQX-refresh-token-value"));
        MongoAssert.Bson(
            $$"""
            {
              "_id" : "conn-full",
              "tenantId" : "tenant-1",
              "memberUrn" : "urn:li:person:abc123",
              "app" : "default",
              "scopes" : ["openid", "profile", "w_member_social"],
              "status" : "ReauthRequired",
              "accessToken" : { "keyId" : "test-key-1", "data" : BinData(0, "{{access}}") },
              "refreshToken" : { "keyId" : "test-key-1", "data" : BinData(0, "{{refresh}}") },
              "accessTokenExpiresAt" : ISODate("2026-04-30T10:00:00.000Z"),
              "refreshTokenExpiresAt" : ISODate("2027-03-01T10:00:00.000Z"),
              "nextRefreshAt" : ISODate("2026-03-21T10:00:00.123Z"),
              "lastRefreshedAt" : ISODate("2026-02-28T10:00:00.123Z"),
              "createdAt" : ISODate("2026-01-30T10:00:00.123Z"),
              "version" : NumberLong(7),
              "lease" : { "holder" : "worker-a/1234", "until" : ISODate("2026-03-01T10:02:00.123Z") },
              "failureCount" : 3,
              "lastFailure" : { "class" : "Reauth", "errorCode" : "invalid_grant", "message" : "The refresh token is revoked", "at" : ISODate("2026-03-01T09:00:00.123Z") },
              "problemSince" : ISODate("2026-03-01T05:00:00.123Z"),
              "reauthWarningsSent" : [30, 14],
              "warningDeadline" : ISODate("2026-04-10T10:00:00.123Z"),
              "pendingEvents" : [
                { "eventId" : UUID("0f8fad5b-d9cb-469f-a165-70867728950e"), "kind" : "ReauthRequired", "payload" : "{\"connectionId\":\"conn-full\"}", "createdAt" : ISODate("2026-03-01T09:59:00.123Z") },
                { "eventId" : UUID("7c9e6679-7425-40de-944b-e07fc1f90ae7"), "kind" : "ReauthSoon", "payload" : "{\"daysBefore\":14}", "createdAt" : ISODate("2026-03-01T09:57:00.123Z") }
              ],
              "attempts" : [
                { "at" : ISODate("2026-01-30T10:00:00.123Z"), "trigger" : "Connect", "outcome" : "Authorized", "errorCode" : null, "version" : NumberLong(1) },
                { "at" : ISODate("2026-03-01T09:00:00.000Z"), "trigger" : "Scheduled", "outcome" : "Reauth", "errorCode" : "invalid_grant", "version" : NumberLong(7) }
              ],
              "oldestPendingAt" : ISODate("2026-03-01T09:57:00.123Z"),
              "unreadable" : null,
              "writeId" : UUID("3f2504e0-4f89-41d3-9a0c-0305e82c3301")
            }
            """,
            document);
    }

    [Fact]
    public void Event_ids_are_standard_uuids_with_subtype_4()
    {
        var document = _mapper.ToDocument(FullConnection(), 7).ToBsonDocument();

        var eventId = document["pendingEvents"][0]["eventId"].AsBsonBinaryData;
        Assert.Equal(BsonBinarySubType.UuidStandard, eventId.SubType);
        Assert.Equal(EventId1, eventId.ToGuid(GuidRepresentation.Standard));
    }

    [Fact]
    public void The_write_id_is_a_standard_uuid_with_subtype_4()
    {
        var document = _mapper.ToDocument(FullConnection(), 7).ToBsonDocument();

        var writeId = document["writeId"].AsBsonBinaryData;
        Assert.Equal(BsonBinarySubType.UuidStandard, writeId.SubType);
        Assert.Equal(WriteId, writeId.ToGuid(GuidRepresentation.Standard));
    }

    [Fact]
    public void Dates_are_read_back_as_utc_whatever_offset_they_were_written_with()
    {
        var document = _mapper.ToDocument(FullConnection(), 7);
        var read = BsonSerializer.Deserialize<ConnectionDocument>(document.ToBson());

        Assert.Equal(DateTimeKind.Utc, read.CreatedAt.Kind);
        Assert.Equal(DateTimeKind.Utc, read.AccessTokenExpiresAt!.Value.Kind);
        Assert.Equal(new DateTime(2026, 4, 30, 10, 0, 0, DateTimeKind.Utc), read.AccessTokenExpiresAt.Value);
        Assert.Equal(TimeSpan.Zero, _mapper.ToConnection(read).AccessTokenExpiresAt!.Value.Offset);
    }

    [Fact]
    public void Instants_are_truncated_toward_the_past_to_whole_milliseconds()
    {
        var justBeforeASecond = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(9_999_999);
        var connection = NewConnection("conn-1") with { NextRefreshAt = justBeforeASecond };

        var stored = BsonSerializer.Deserialize<ConnectionDocument>(_mapper.ToDocument(connection, 1).ToBson());

        Assert.Equal(new DateTime(2026, 3, 1, 10, 0, 0, 999, DateTimeKind.Utc), stored.NextRefreshAt);
        Assert.Equal(Stored(justBeforeASecond), _mapper.ToConnection(stored).NextRefreshAt);
    }

    [Fact]
    public void No_discriminator_is_written_anywhere_in_the_document()
    {
        var json = _mapper.ToDocument(FullConnection(), 7).ToBsonDocument().ToJson();

        Assert.DoesNotContain("\"_t\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_are_stored_as_binary_with_their_key_id_and_never_in_clear()
    {
        var bytes = _mapper.ToDocument(FullConnection(), 7).ToBson();
        var document = BsonSerializer.Deserialize<BsonDocument>(bytes);

        Assert.Equal(BsonType.Binary, document["accessToken"]["data"].BsonType);
        Assert.Equal(BsonBinarySubType.Binary, document["accessToken"]["data"].AsBsonBinaryData.SubType);
        Assert.Equal("test-key-1", document["refreshToken"]["keyId"].AsString);
        var raw = Encoding.Latin1.GetString(bytes);
        Assert.DoesNotContain("AQV-access-token-value", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("AQX-refresh-token-value", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_lists_are_written_as_empty_arrays_and_absent_values_as_null()
    {
        var document = _mapper.ToDocument(NewConnection("conn-1") with { AccessToken = null }, 1).ToBsonDocument();

        Assert.Equal(new BsonArray(), document["scopes"]);
        Assert.Equal(new BsonArray(), document["reauthWarningsSent"]);
        Assert.Equal(new BsonArray(), document["pendingEvents"]);
        Assert.Equal(new BsonArray(), document["attempts"]);
        Assert.Equal(BsonNull.Value, document["accessToken"]);
        Assert.Equal(BsonNull.Value, document["oldestPendingAt"]);
        Assert.Equal(BsonNull.Value, document["lease"]);
        Assert.Equal(BsonNull.Value, document["unreadable"]);
        Assert.Equal(BsonNull.Value, document["writeId"]);
        Assert.Equal("Active", document["status"].AsString);
    }

    [Fact]
    public void Absent_or_null_lists_and_fields_are_read_as_empty_and_null()
    {
        var minimal = BsonDocument.Parse(
            """{ "_id" : "conn-old", "tenantId" : "t", "status" : "Active", "createdAt" : ISODate("2026-01-01T00:00:00Z"), "version" : NumberLong(4), "scopes" : null }""");

        var read = _mapper.ToConnection(BsonSerializer.Deserialize<ConnectionDocument>(minimal.ToBson()));

        MongoAssert.SameConnection(
            new Connection
            {
                ConnectionId = "conn-old",
                TenantId = "t",
                CreatedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
                Version = 4,
            },
            read);
    }

    [Fact]
    public void Elements_written_by_a_newer_version_are_ignored_on_read()
    {
        var newer = BsonDocument.Parse(
            """{ "_id" : "c", "tenantId" : "t", "status" : "Disconnected", "createdAt" : ISODate("2026-01-01T00:00:00Z"), "version" : NumberLong(1), "futureField" : 1 }""");

        var read = _mapper.ToConnection(BsonSerializer.Deserialize<ConnectionDocument>(newer.ToBson()));

        Assert.Equal(ConnectionStatus.Disconnected, read.Status);
    }

    [Fact]
    public void The_oldest_pending_event_time_is_maintained_with_the_outbox()
    {
        var document = _mapper.ToDocument(FullConnection(), 7);

        Assert.Equal(new DateTime(2026, 3, 1, 9, 57, 0, 123, DateTimeKind.Utc), document.OldestPendingAt);
        Assert.Null(_mapper.ToDocument(FullConnection() with { PendingEvents = [] }, 7).OldestPendingAt);
    }

    [Fact]
    public void A_token_moved_to_another_connection_does_not_decode()
    {
        var document = _mapper.ToDocument(FullConnection(), 7);
        document.Id = "conn-other";

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => _mapper.ToConnection(document));
    }
}
