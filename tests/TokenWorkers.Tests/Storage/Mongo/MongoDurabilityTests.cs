using MongoDB.Bson;
using MongoDB.Driver;
using TokenWorkers.Storage.Mongo;

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>
/// What the store asks of MongoDB for every token and ledger write and every read, whatever the connection string
/// says: a journaled majority for writes, the primary's majority-committed view for reads. No server needed: the
/// settings are read from the collections the store and the ledger use, and rendered as the driver sends them.
/// </summary>
public class MongoDurabilityTests
{
    // The weakest settings a connection string can ask for; the store overrides every one of them.
    private const string Weak = "mongodb://127.0.0.1:1/?w=1&journal=false&readPreference=secondaryPreferred&readConcernLevel=local";

    public static TheoryData<string> ConnectionStrings => new() { "mongodb://127.0.0.1:1/", Weak };

    [Theory]
    [MemberData(nameof(ConnectionStrings))]
    public void Token_and_ledger_writes_wait_for_a_journaled_majority(string connectionString)
    {
        using var context = new MongoStoreContext(new MongoStorageOptions { ConnectionString = connectionString });

        foreach (var settings in CollectionSettings(context))
        {
            Assert.Equal(WriteConcern.WMajority.With(journal: true), settings.WriteConcern);
            MongoAssert.Bson("""{ "w" : "majority", "j" : true }""", settings.WriteConcern.ToBsonDocument());
        }
    }

    [Theory]
    [MemberData(nameof(ConnectionStrings))]
    public void Reads_that_decide_a_write_come_from_the_primary_and_see_only_majority_committed_data(string connectionString)
    {
        using var context = new MongoStoreContext(new MongoStorageOptions { ConnectionString = connectionString });

        foreach (var settings in CollectionSettings(context))
        {
            Assert.Equal(ReadPreference.Primary, settings.ReadPreference);
            Assert.Equal(ReadConcern.Majority, settings.ReadConcern);
            MongoAssert.Bson("""{ "level" : "majority" }""", settings.ReadConcern.ToBsonDocument());
        }
    }

    private static MongoCollectionSettings[] CollectionSettings(MongoStoreContext context) =>
    [
        new MongoConnectionStore(context, new TestTokenCodec()).Collection.Settings,
        new MongoPostLedger(context).Collection.Settings,
    ];
}
