using MongoDB.Bson;
using MongoDB.Driver;
using TokenWorkers.Connections;
using TokenWorkers.Events;

namespace TokenWorkers.Storage.Mongo;

/// <summary>
/// Every filter the connection store sends. The store uses nothing else, so the rendering tests check
/// exactly what production sends.
/// </summary>
internal static class ConnectionFilters
{
    private static FilterDefinitionBuilder<ConnectionDocument> Filter => Builders<ConnectionDocument>.Filter;

    /// <summary>
    /// <c>{ nextRefreshAt: { $type: date } }</c>: the partial filter of the due index, and part of the due query,
    /// which is what lets the query planner use that partial index (it does not infer it from <c>$lte</c>).
    /// </summary>
    public static FilterDefinition<ConnectionDocument> HasNextRefreshAt { get; } =
        Filter.Type(c => c.NextRefreshAt, BsonType.DateTime);

    /// <summary><c>{ oldestPendingAt: { $type: date } }</c>: the partial filter of the outbox index, and part of its query.</summary>
    public static FilterDefinition<ConnectionDocument> HasPendingEvents { get; } =
        Filter.Type(c => c.OldestPendingAt, BsonType.DateTime);

    public static FilterDefinition<ConnectionDocument> ById(string connectionId) =>
        Filter.Eq(c => c.Id, connectionId);

    /// <summary>The predicate of every write: this connection, still at the version the write was decided on.</summary>
    public static FilterDefinition<ConnectionDocument> ByIdAndVersion(string connectionId, long expectedVersion) =>
        Filter.Eq(c => c.Id, connectionId) & Filter.Eq(c => c.Version, expectedVersion);

    /// <summary>
    /// Connections to look at by <paramref name="now"/>; a null nextRefreshAt never matches, nor does a connection
    /// flagged unreadable less than <see cref="UnreadableRow.RecheckAfter"/> ago.
    /// </summary>
    public static FilterDefinition<ConnectionDocument> DueAt(DateTimeOffset now) =>
        HasNextRefreshAt & Filter.Lte(c => c.NextRefreshAt, BsonTime.ToBson(now)) & NotFlaggedSince(now - UnreadableRow.RecheckAfter);

    /// <summary>
    /// Connections holding a pending event created at or before <paramref name="createdAtOrBefore"/>: exactly those
    /// whose oldest pending event is, which the maintained <c>oldestPendingAt</c> answers from an index.
    /// </summary>
    public static FilterDefinition<ConnectionDocument> PendingAtOrBefore(DateTimeOffset createdAtOrBefore) =>
        HasPendingEvents & Filter.Lte(c => c.OldestPendingAt, BsonTime.ToBson(createdAtOrBefore))
        & NotFlaggedSince(createdAtOrBefore - UnreadableRow.RecheckAfter);

    /// <summary><c>{ $or: [ { unreadable: null }, { "unreadable.at": { $lte: … } } ] }</c>: never flagged (or cleared), or flagged long enough ago to read again.</summary>
    public static FilterDefinition<ConnectionDocument> NotFlaggedSince(DateTimeOffset recheckBefore) =>
        Filter.Eq(c => c.Unreadable, null) | Filter.Lte(c => c.Unreadable!.At, BsonTime.ToBson(recheckBefore));

    /// <summary>
    /// The re-encryption sweep's page after <paramref name="afterConnectionId"/>: a token under another key than
    /// <paramref name="activeKeyId"/> (<c>$type: string</c> keeps absent tokens out, which <c>$ne</c> alone would match),
    /// or a flag.
    /// </summary>
    public static FilterDefinition<ConnectionDocument> NotUnderKey(string activeKeyId, string? afterConnectionId) =>
        After(afterConnectionId) & (
            (Filter.Type(c => c.AccessToken!.KeyId, BsonType.String) & Filter.Ne(c => c.AccessToken!.KeyId, activeKeyId))
            | (Filter.Type(c => c.RefreshToken!.KeyId, BsonType.String) & Filter.Ne(c => c.RefreshToken!.KeyId, activeKeyId))
            | IsFlagged);

    /// <summary><c>{ unreadable: { $type: object } }</c>: flagged unreadable.</summary>
    public static FilterDefinition<ConnectionDocument> IsFlagged { get; } = Filter.Type(c => c.Unreadable, BsonType.Document);

    /// <summary>The page after <paramref name="afterConnectionId"/> (ids compare as UTF-8 bytes); everything when null.</summary>
    public static FilterDefinition<ConnectionDocument> After(string? afterConnectionId) =>
        afterConnectionId is null ? Filter.Empty : Filter.Gt(c => c.Id, afterConnectionId);
}

/// <summary>The orders of the store's queries; ties are broken by id so every adapter answers in the same order.</summary>
internal static class ConnectionSorts
{
    private static SortDefinitionBuilder<ConnectionDocument> Sort => Builders<ConnectionDocument>.Sort;

    public static SortDefinition<ConnectionDocument> EarliestDueFirst { get; } =
        Sort.Ascending(c => c.NextRefreshAt).Ascending(c => c.Id);

    public static SortDefinition<ConnectionDocument> OldestPendingFirst { get; } =
        Sort.Ascending(c => c.OldestPendingAt).Ascending(c => c.Id);

    public static SortDefinition<ConnectionDocument> ById { get; } = Sort.Ascending(c => c.Id);
}

/// <summary>The store's aggregations, rendered by the tests like the filters.</summary>
internal static class ConnectionAggregations
{
    /// <summary>
    /// <c>{ $group: { _id: "$status", count, earliestAccessTokenExpiry, earliestRefreshTokenEnd } }</c>; <c>$min</c>
    /// skips null and missing dates, so a connection without tokens never counts as the earliest.
    /// </summary>
    public static PipelineDefinition<ConnectionDocument, BsonDocument> Summary { get; } = new BsonDocument[]
    {
        new("$group", new BsonDocument
        {
            { "_id", "$status" },
            { "count", new BsonDocument("$sum", 1) },
            { "earliestAccessTokenExpiry", new BsonDocument("$min", "$accessTokenExpiresAt") },
            { "earliestRefreshTokenEnd", new BsonDocument("$min", "$refreshTokenExpiresAt") },
            { "unreadable", new BsonDocument("$sum", new BsonDocument("$cond", new BsonArray
                {
                    new BsonDocument("$eq", new BsonArray { new BsonDocument("$type", "$unreadable"), "object" }), 1, 0,
                })) },
        }),
    };

    /// <summary>
    /// Connections per key id: each document's distinct key ids (<c>$setUnion</c> of its two tokens', a missing token
    /// giving null, which the <c>$match</c> drops), one count per key.
    /// </summary>
    public static PipelineDefinition<ConnectionDocument, BsonDocument> ConnectionsByKeyId { get; } = new BsonDocument[]
    {
        new("$project", new BsonDocument
        {
            { "_id", 0 },
            { "keys", new BsonDocument("$setUnion", new BsonArray { new BsonArray { "$accessToken.keyId", "$refreshToken.keyId" } }) },
        }),
        new("$unwind", "$keys"),
        new("$match", new BsonDocument("keys", new BsonDocument("$type", "string"))),
        new("$group", new BsonDocument { { "_id", "$keys" }, { "count", new BsonDocument("$sum", 1) } }),
    };
}

/// <summary>The filters of what the status page asks for, rendered by the tests like the others.</summary>
internal static class FleetFilters
{
    private static FilterDefinitionBuilder<ConnectionDocument> Filter => Builders<ConnectionDocument>.Filter;

    /// <summary>The filtered page: tenant, statuses and the id bounds, each only when asked for.</summary>
    public static FilterDefinition<ConnectionDocument> Matching(ConnectionListQuery query)
    {
        var filter = Filter.Empty;
        if (query.TenantId is not null)
        {
            filter &= Filter.Eq(c => c.TenantId, query.TenantId);
        }

        if (query.App is not null)
        {
            filter &= OfApp(query.App);
        }

        if (query.Statuses is { Count: > 0 } statuses)
        {
            filter &= Filter.In(c => c.Status, statuses);
        }

        if (query.After is not null)
        {
            filter &= Filter.Gt(c => c.Id, query.After);
        }

        if (query.Before is not null)
        {
            filter &= Filter.Lt(c => c.Id, query.Before);
        }

        return filter;
    }

    /// <summary>Active connections (of one tenant) with an access-token expiry or a refresh-token end in <c>[from, until)</c>.</summary>
    public static FilterDefinition<ConnectionDocument> DeadlinesBetween(DateTimeOffset from, DateTimeOffset until, FleetScope scope)
    {
        var start = BsonTime.ToBson(from);
        var end = BsonTime.ToBson(until);
        var filter = Filter.Eq(c => c.Status, ConnectionStatus.Active)
            & ((Filter.Gte(c => c.AccessTokenExpiresAt, start) & Filter.Lt(c => c.AccessTokenExpiresAt, end))
               | (Filter.Gte(c => c.RefreshTokenExpiresAt, start) & Filter.Lt(c => c.RefreshTokenExpiresAt, end)));
        return Scoped(filter, scope);
    }

    /// <summary><c>{ "attempts.at": { $gte: since } }</c>: a connection with at least one timeline entry since then.</summary>
    public static FilterDefinition<ConnectionDocument> AttemptsSince(DateTimeOffset since, FleetScope scope) =>
        Scoped(Filter.Gte("attempts.at", BsonTime.ToBson(since)), scope);

    private static FilterDefinition<ConnectionDocument> Scoped(FilterDefinition<ConnectionDocument> filter, FleetScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (scope.TenantId is not null)
        {
            filter = Filter.Eq(c => c.TenantId, scope.TenantId) & filter;
        }

        return scope.App is null ? filter : filter & OfApp(scope.App);
    }

    /// <summary>A document written before apps had names has no app element (null matches it): it belongs to the default app.</summary>
    private static FilterDefinition<ConnectionDocument> OfApp(string app) => app == Connection.DefaultApp
        ? Filter.Eq(c => c.App, app) | Filter.Eq(c => c.App, null)
        : Filter.Eq(c => c.App, app);
}
