using MongoDB.Driver;

namespace TokenWorkers.Storage.Mongo;

/// <summary>The indexes of the connections collection, created idempotently by name at start-up.</summary>
internal static class ConnectionIndexes
{
    public const string Due = "due_nextRefreshAt";
    public const string Outbox = "outbox_oldestPendingAt";
    public const string TenantStatus = "tenant_status";

    private static IndexKeysDefinitionBuilder<ConnectionDocument> Keys => Builders<ConnectionDocument>.IndexKeys;

    public static IReadOnlyList<CreateIndexModel<ConnectionDocument>> All { get; } =
    [
        // Serves FindDue's filter and its order (the id breaks ties); only connections with something scheduled.
        new(Keys.Ascending(c => c.NextRefreshAt).Ascending(c => c.Id),
            new CreateIndexOptions<ConnectionDocument> { Name = Due, PartialFilterExpression = ConnectionFilters.HasNextRefreshAt }),

        // Serves the outbox sweeper; only connections whose outbox is not empty, normally a handful.
        new(Keys.Ascending(c => c.OldestPendingAt).Ascending(c => c.Id),
            new CreateIndexOptions<ConnectionDocument> { Name = Outbox, PartialFilterExpression = ConnectionFilters.HasPendingEvents }),

        // Per-tenant views and operations ("every connection of tenant T needing re-authorization").
        new(Keys.Ascending(c => c.TenantId).Ascending(c => c.Status),
            new CreateIndexOptions { Name = TenantStatus }),
    ];
}
