using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Driver;
using TokenWorkers.Connections;
using TokenWorkers.Events;

namespace TokenWorkers.Storage.Mongo;

/// <summary>Documents that cannot be read, their flag, and what key rotation asks of the store.</summary>
public sealed partial class MongoConnectionStore
{
    public async Task<bool> TryFlagUnreadableAsync(UnreadableRow row, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var result = await _connections.UpdateOneAsync(
            ConnectionFilters.ByIdAndVersion(row.Id, row.Version), ConnectionWrites.Flag(row, at), options: null, cancellationToken);
        return result.MatchedCount == 1;
    }

    public Task<ReadBatch<Connection>> FindNotUnderActiveKeyAsync(string? afterConnectionId, int limit, CancellationToken cancellationToken) =>
        FindManyAsync(ConnectionFilters.NotUnderKey(_codec.ActiveKeyId, afterConnectionId), ConnectionSorts.ById, limit, cancellationToken);

    public async Task<KeyUsage> CountByKeyIdAsync(CancellationToken cancellationToken)
    {
        var groups = await _connections.Aggregate(ConnectionAggregations.ConnectionsByKeyId, options: null, cancellationToken)
            .ToListAsync(cancellationToken);
        var unreadable = await _connections.CountDocumentsAsync(ConnectionFilters.IsFlagged, options: null, cancellationToken);
        return new KeyUsage(
            _codec.ActiveKeyId, groups.ToDictionary(g => g["_id"].AsString, g => g["count"].ToInt64(), StringComparer.Ordinal), unreadable);
    }

    /// <summary>
    /// Deserializes and decrypts each document on its own (the driver would fail the whole cursor on one bad document):
    /// one that cannot be read takes its own place in the batch, not the others'.
    /// </summary>
    private ReadBatch<Connection> Decode(List<BsonDocument> documents)
    {
        var items = new List<Connection>(documents.Count);
        var unreadable = new List<UnreadableRow>();
        foreach (var raw in documents)
        {
            if (StoredRows.TryDecode(
                    Id(raw),
                    raw.GetValue(ConnectionWrites.VersionElement, BsonNull.Value) is { IsNumeric: true } version ? version.ToInt64() : 0,
                    FlaggedAt(raw),
                    [KeyId(raw, "accessToken"), KeyId(raw, "refreshToken")],
                    _codec.HasKey,
                    () => _mapper.ToConnection(BsonSerializer.Deserialize<ConnectionDocument>(raw)),
                    out var connection,
                    out var bad))
            {
                items.Add(connection!);
            }
            else
            {
                unreadable.Add(bad!);
            }
        }

        return new ReadBatch<Connection>(items, unreadable, documents.Count == 0 ? null : Id(documents[^1]));
    }

    private static string Id(BsonDocument raw) =>
        raw.GetValue(ConnectionWrites.IdElement, BsonNull.Value) is { IsString: true } id ? id.AsString : raw.GetValue(ConnectionWrites.IdElement, "").ToString()!;

    private static string? KeyId(BsonDocument raw, string token) =>
        raw.GetValue(token, BsonNull.Value) is BsonDocument stored && stored.GetValue("keyId", BsonNull.Value) is { IsString: true } keyId
            ? keyId.AsString
            : null;

    private static DateTimeOffset? FlaggedAt(BsonDocument raw) =>
        raw.GetValue("unreadable", BsonNull.Value) is BsonDocument flag && flag.GetValue("at", BsonNull.Value) is { IsValidDateTime: true } at
            ? new DateTimeOffset(at.ToUniversalTime(), TimeSpan.Zero)
            : null;
}
