using MongoDB.Bson;
using MongoDB.Bson.IO;
using TokenWorkers.Connections;
using TokenWorkers.Events;

namespace TokenWorkers.Tests.Storage.Mongo;

internal static class MongoAssert
{
    private static readonly JsonWriterSettings Canonical = new() { OutputMode = JsonOutputMode.CanonicalExtendedJson };
    private static readonly IReadOnlyList<string> NoStrings = [];
    private static readonly IReadOnlyList<int> NoInts = [];
    private static readonly IReadOnlyList<PendingEvent> NoEvents = [];

    /// <summary>
    /// Compares BSON exactly, types included (Int32 is not Int64, a string is not a date), in element order.
    /// <paramref name="expectedJson"/> is shell-style JSON: <c>NumberLong(1)</c>, <c>ISODate("...")</c>, <c>UUID("...")</c>.
    /// </summary>
    public static void Bson(string expectedJson, BsonValue actual)
    {
        var expected = BsonDocument.Parse(expectedJson);
        Assert.Equal(expected.ToJson(Canonical), actual.ToJson(Canonical));
    }

    /// <summary>Every property equal, lists element by element, every instant in UTC.</summary>
    public static void SameConnection(Connection expected, Connection actual)
    {
        Assert.Equal(expected.Scopes, actual.Scopes);
        Assert.Equal(expected.ReauthWarningsSent, actual.ReauthWarningsSent);
        Assert.Equal(expected.PendingEvents, actual.PendingEvents);
        Assert.Equal(expected.Attempts, actual.Attempts);
        Assert.All(actual.Attempts, a => Assert.Equal(TimeSpan.Zero, a.At.Offset));
        Assert.Equal(WithoutLists(expected), WithoutLists(actual));
        Assert.All(Instants(actual), instant => Assert.Equal(TimeSpan.Zero, instant.Offset));
    }

    private static Connection WithoutLists(Connection connection) =>
        connection with { Scopes = NoStrings, ReauthWarningsSent = NoInts, PendingEvents = NoEvents, Attempts = [] };

    private static IEnumerable<DateTimeOffset> Instants(Connection c)
    {
        DateTimeOffset?[] optional =
        [
            c.AccessTokenExpiresAt, c.RefreshTokenExpiresAt, c.NextRefreshAt, c.LastRefreshedAt, c.ProblemSince,
            c.WarningDeadline, c.Lease?.Until, c.LastFailure?.At,
        ];
        return optional.OfType<DateTimeOffset>()
            .Append(c.CreatedAt)
            .Concat(c.PendingEvents.Select(e => e.CreatedAt));
    }
}
