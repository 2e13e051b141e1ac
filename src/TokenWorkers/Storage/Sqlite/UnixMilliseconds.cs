namespace TokenWorkers.Storage.Sqlite;

/// <summary>
/// Dates as stored: UTC milliseconds since the Unix epoch. Sub-millisecond ticks are dropped and the
/// offset becomes zero, exactly what a BSON date keeps, so both stores hand back the same values.
/// </summary>
internal static class UnixMilliseconds
{
    public static long From(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long? From(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds();

    public static DateTimeOffset ToDate(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? ToDate(long? value) => value is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
