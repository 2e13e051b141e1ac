namespace TokenWorkers.Storage;

/// <summary>Where connections are kept (section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>
    /// <c>Sqlite</c> (the default: an embedded file, no server needed) or <c>Mongo</c> (production).
    /// Compared without regard to case.
    /// </summary>
    public string Provider { get; set; } = StorageProviders.Sqlite;

    /// <summary>
    /// The directory of the embedded store's file (<c>tokenworkers.db</c>), relative to the current
    /// directory unless absolute. Created if missing. Used when <see cref="Provider"/> is <c>Sqlite</c>.
    /// </summary>
    public string DataDirectory { get; set; } = ".data";
}

/// <summary>The values <see cref="StorageOptions.Provider"/> accepts.</summary>
public static class StorageProviders
{
    public const string Sqlite = "Sqlite";
    public const string Mongo = "Mongo";

    internal static readonly IReadOnlyList<string> All = [Sqlite, Mongo];

    internal static bool Is(string? configured, string provider) =>
        string.Equals(configured?.Trim(), provider, StringComparison.OrdinalIgnoreCase);
}
