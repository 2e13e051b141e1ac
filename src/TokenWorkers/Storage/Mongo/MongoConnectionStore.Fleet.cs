using MongoDB.Bson;
using MongoDB.Bson.Serialization.Serializers;
using MongoDB.Driver;
using TokenWorkers.Connections;
using TokenWorkers.Events;

namespace TokenWorkers.Storage.Mongo;

/// <summary>What the status page asks of the store: filtered pages, the coming deadlines, the recent timeline entries.</summary>
public sealed partial class MongoConnectionStore
{
    public async Task<ReadBatch<Connection>> ListAsync(ConnectionListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var sort = query.Before is null ? ConnectionSorts.ById : Builders<ConnectionDocument>.Sort.Descending(c => c.Id);
        var documents = await _connections.Find(FleetFilters.Matching(query)).Sort(sort).Limit(query.Limit)
            .As(BsonDocumentSerializer.Instance).ToListAsync(cancellationToken);
        return Decode(documents);
    }

    public async Task<FleetDeadlines> ListDeadlinesAsync(DateTimeOffset from, DateTimeOffset until, FleetScope scope, CancellationToken cancellationToken)
    {
        var projection = Builders<ConnectionDocument>.Projection.Include(c => c.AccessTokenExpiresAt).Include(c => c.RefreshTokenExpiresAt);
        var documents = await _connections.Find(FleetFilters.DeadlinesBetween(from, until, scope)).Project(projection)
            .ToListAsync(cancellationToken);
        var start = BsonTime.ToBson(from);
        var end = BsonTime.ToBson(until);
        var access = new List<DateTimeOffset>();
        var ends = new List<DateTimeOffset>();
        foreach (var document in documents)
        {
            // A document matches when either date is in the window; each list takes only its own.
            AddIfWithin(document, "accessTokenExpiresAt", access);
            AddIfWithin(document, "refreshTokenExpiresAt", ends);
        }

        return new FleetDeadlines(access, ends);

        void AddIfWithin(BsonDocument document, string element, List<DateTimeOffset> into)
        {
            if (document.GetValue(element, BsonNull.Value) is { IsValidDateTime: true } value
                && value.ToUniversalTime() is var at && at >= start && at < end)
            {
                into.Add(BsonTime.FromBson(at));
            }
        }
    }

    public async Task<IReadOnlyList<RefreshAttempt>> ListAttemptsSinceAsync(DateTimeOffset since, FleetScope scope, CancellationToken cancellationToken)
    {
        var projection = Builders<ConnectionDocument>.Projection.Include(c => c.Attempts);
        var documents = await _connections.Find(FleetFilters.AttemptsSince(since, scope)).Project(projection).ToListAsync(cancellationToken);
        var start = BsonTime.ToBson(since);
        var attempts = new List<RefreshAttempt>();
        foreach (var document in documents)
        {
            if (document.GetValue("attempts", BsonNull.Value) is not BsonArray entries)
            {
                continue;
            }

            // An entry that is not a timeline entry's shape (a document written wrongly) is left out, not guessed at.
            foreach (var entry in entries.OfType<BsonDocument>())
            {
                if (entry.GetValue("at", BsonNull.Value) is { IsValidDateTime: true } at && at.ToUniversalTime() >= start
                    && entry.GetValue("trigger", BsonNull.Value) is { IsString: true } trigger && Enum.TryParse<AttemptTrigger>(trigger.AsString, out var parsedTrigger)
                    && entry.GetValue("outcome", BsonNull.Value) is { IsString: true } outcome && Enum.TryParse<AttemptOutcome>(outcome.AsString, out var parsedOutcome))
                {
                    attempts.Add(new RefreshAttempt(
                        BsonTime.FromBson(at.ToUniversalTime()),
                        parsedTrigger,
                        parsedOutcome,
                        entry.GetValue("errorCode", BsonNull.Value) is { IsString: true } code ? code.AsString : null,
                        entry.GetValue("version", BsonNull.Value) is { IsNumeric: true } version ? version.ToInt64() : 0));
                }
            }
        }

        return attempts;
    }
}
