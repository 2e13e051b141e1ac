using Microsoft.Extensions.Logging;

namespace TokenWorkers.Storage.Sqlite;

internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information,
        Message = "Connection store ready: SQLite file {DatabasePath}, journal mode {JournalMode}")]
    public static partial void StoreReady(ILogger logger, string databasePath, string journalMode);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
        Message = "SQLite file {DatabasePath} is in journal mode {JournalMode}, not WAL: readers and writers will block each other")]
    public static partial void NotInWalMode(ILogger logger, string databasePath, string journalMode);
}
