using Microsoft.Data.Sqlite;
using TokenWorkers.Ports;
using TokenWorkers.Storage.Sqlite;

namespace TokenWorkers.Tests.Storage.Sqlite;

/// <summary>The audit and connect-session conformance suite on a SQLite file of its own, one database object per "instance".</summary>
public sealed class SqliteAccessStoreTests : AccessStoreConformanceTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenworkers-access-").FullName;
    private readonly List<SqliteDatabase> _databases = [];

    protected override Task<(IAuditTrail Trail, IConnectSessions Sessions)> CreateAsync()
    {
        var database = new SqliteDatabase(Path.Combine(_directory, SqliteConnectionStore.FileName));
        _databases.Add(database);
        return Task.FromResult<(IAuditTrail, IConnectSessions)>((new SqliteAuditTrail(database), new SqliteConnectSessions(database)));
    }

    protected override ValueTask DeleteDataAsync()
    {
        _databases.ForEach(d => d.Dispose());
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open only leaves a temp directory behind.
        }

        return ValueTask.CompletedTask;
    }
}
