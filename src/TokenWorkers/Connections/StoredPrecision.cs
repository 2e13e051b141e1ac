namespace TokenWorkers.Connections;

/// <summary>
/// Stores keep instants to the millisecond (a BSON date's precision). Values that also travel in events
/// are cut the same way before they are decided, so an event never disagrees with what was stored.
/// </summary>
public static class StoredPrecision
{
    public static DateTimeOffset ToStoredPrecision(this DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    public static DateTimeOffset? ToStoredPrecision(this DateTimeOffset? value) => value?.ToStoredPrecision();
}
