using MongoDB.Driver;

namespace TokenWorkers.Storage.Mongo;

/// <summary>
/// What every read and write of the worker's collections asks of MongoDB, set on the database so no collection can
/// miss it, and overriding whatever the connection string says (a <c>w=1</c> there must not weaken a token write).
/// </summary>
internal static class MongoDurability
{
    /// <summary>
    /// Acknowledged only once a majority of the replica set has the write in its journal: a failover cannot roll back a
    /// refresh token LinkedIn already rotated, nor a post's recorded outcome. On a standalone server the majority is the
    /// one server, journaled.
    /// </summary>
    public static WriteConcern Writes { get; } = WriteConcern.WMajority.With(journal: true);

    /// <summary>
    /// Reads decide conditional writes, so they go to the primary, where writes happen, and see only majority-committed
    /// data: a decision is never taken on a state a failover may roll back, and a writer re-reading after a lost
    /// acknowledgement recognises its own write only once that write is durable.
    /// </summary>
    public static ReadPreference ReadFrom { get; } = ReadPreference.Primary;

    /// <inheritdoc cref="ReadFrom" />
    public static ReadConcern Reads { get; } = ReadConcern.Majority;

    public static MongoDatabaseSettings DatabaseSettings() => new()
    {
        WriteConcern = Writes,
        ReadPreference = ReadFrom,
        ReadConcern = Reads,
    };
}
