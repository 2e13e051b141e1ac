namespace TokenWorkers.Storage.Mongo;

/// <summary>
/// BSON dates hold whole milliseconds since the Unix epoch, in UTC. Every instant the store writes or
/// compares is truncated to the millisecond (toward the past) here, once, so what a write returns equals
/// what a later read returns, and a query bound compares like the stored values.
/// </summary>
internal static class BsonTime
{
    public static DateTime ToBson(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    public static DateTime? ToBson(DateTimeOffset? value) => value is { } v ? ToBson(v) : null;

    public static DateTimeOffset FromBson(DateTime value) =>
        new(DateTime.SpecifyKind(value, DateTimeKind.Utc), TimeSpan.Zero);

    public static DateTimeOffset? FromBson(DateTime? value) => value is { } v ? FromBson(v) : null;
}
