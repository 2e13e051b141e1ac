using MongoDB.Bson;
using MongoDB.Driver;

namespace TokenWorkers.Storage.Mongo;

/// <summary>The update the connection store sends with <see cref="ConnectionFilters.ByIdAndVersion"/>.</summary>
internal static class ConnectionWrites
{
    internal const string IdElement = "_id";
    internal const string VersionElement = "version";

    /// <summary>
    /// <c>{ $set: { every state field }, $inc: { version: 1 } }</c>. The state is the whole document as the class
    /// maps serialize it, minus id and version, so the lease, the outbox (<c>pendingEvents</c>,
    /// <c>oldestPendingAt</c>) and the state change travel in one single-document update, and a field added to
    /// the document can never be forgotten here. Absent values are written as null, as on insert.
    /// </summary>
    public static UpdateDefinition<ConnectionDocument> ReplaceState(ConnectionDocument updated)
    {
        ArgumentNullException.ThrowIfNull(updated);
        var state = updated.ToBsonDocument();
        state.Remove(IdElement);
        state.Remove(VersionElement);
        return new BsonDocument
        {
            { "$set", state },
            { "$inc", new BsonDocument(VersionElement, new BsonInt64(1)) },
        };
    }

    /// <summary>
    /// <c>{ $set: { pendingEvents: [], oldestPendingAt: null } }</c>: the outbox removal, sent with
    /// <see cref="ConnectionFilters.ByIdAndVersion"/>; one statement, no read, and the version stays.
    /// </summary>
    public static UpdateDefinition<ConnectionDocument> ClearPendingEvents { get; } = new BsonDocument(
        "$set", new BsonDocument { { "pendingEvents", new BsonArray() }, { "oldestPendingAt", BsonNull.Value } });

    /// <summary>
    /// <c>{ $set: { unreadable: { reason, message, at } } }</c>, sent with <see cref="ConnectionFilters.ByIdAndVersion"/>:
    /// a note about the document, so the version stays.
    /// </summary>
    public static UpdateDefinition<ConnectionDocument> Flag(Events.UnreadableRow row, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Builders<ConnectionDocument>.Update.Set(
            c => c.Unreadable, new UnreadableDocument { Reason = row.Reason.ToString(), Message = row.Message, At = BsonTime.ToBson(at) });
    }
}
