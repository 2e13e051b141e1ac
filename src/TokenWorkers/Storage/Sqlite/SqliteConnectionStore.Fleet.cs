using Microsoft.Data.Sqlite;
using TokenWorkers.Connections;
using TokenWorkers.Events;

namespace TokenWorkers.Storage.Sqlite;

/// <summary>What the status page asks of the store: filtered pages, the coming deadlines, the recent timeline entries.</summary>
public sealed partial class SqliteConnectionStore
{
    public Task<ReadBatch<Connection>> ListAsync(ConnectionListQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(query.Limit);
        var statuses = query.Statuses ?? [];
        return QueryAsync(
            SqliteSql.List(query.TenantId is not null, query.App is not null, statuses.Count, query.After is not null, query.Before is not null),
            parameters =>
            {
                if (query.TenantId is not null)
                {
                    parameters.AddWithValue("@tenant", query.TenantId);
                }

                if (query.App is not null)
                {
                    parameters.AddWithValue("@app", query.App);
                }

                for (var i = 0; i < statuses.Count; i++)
                {
                    parameters.AddWithValue($"@status{i}", statuses[i].ToString());
                }

                if (query.After is not null)
                {
                    parameters.AddWithValue("@after", query.After);
                }

                if (query.Before is not null)
                {
                    parameters.AddWithValue("@before", query.Before);
                }

                parameters.AddWithValue("@limit", query.Limit);
            },
            cancellationToken);
    }

    public async Task<FleetDeadlines> ListDeadlinesAsync(DateTimeOffset from, DateTimeOffset until, FleetScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await using var connection = await _database.OpenAsync(cancellationToken);
        // One read transaction: both lists come from the same snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);
        var access = await InstantsAsync(connection, SqliteSql.AccessExpiriesBetween, from, until, scope, cancellationToken);
        var ends = await InstantsAsync(connection, SqliteSql.RefreshEndsBetween, from, until, scope, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new FleetDeadlines(access, ends);
    }

    public async Task<IReadOnlyList<RefreshAttempt>> ListAttemptsSinceAsync(DateTimeOffset since, FleetScope scope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var attempts = new List<RefreshAttempt>();
        await using var connection = await _database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = SqliteSql.AttemptsSince + (scope.TenantId is null ? "" : SqliteSql.AndAttemptTenant)
                              + (scope.App is null ? "" : SqliteSql.AndAttemptApp);
        command.Parameters.AddWithValue("@since", UnixMilliseconds.From(since));
        AddScope(command.Parameters, scope);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // An entry that is not a timeline entry's shape (a row written wrongly) is left out, not guessed at.
            if (reader.GetValue(0) is long at
                && reader.GetValue(1) is string trigger && Enum.TryParse<AttemptTrigger>(trigger, out var parsedTrigger)
                && reader.GetValue(2) is string outcome && Enum.TryParse<AttemptOutcome>(outcome, out var parsedOutcome))
            {
                attempts.Add(new RefreshAttempt(
                    UnixMilliseconds.ToDate(at), parsedTrigger, parsedOutcome, reader.GetValue(3) as string, reader.GetValue(4) is long version ? version : 0));
            }
        }

        return attempts;
    }

    private static async Task<List<DateTimeOffset>> InstantsAsync(
        SqliteConnection connection, string sql, DateTimeOffset from, DateTimeOffset until, FleetScope scope, CancellationToken cancellationToken)
    {
        var instants = new List<DateTimeOffset>();
        await using var command = connection.CreateCommand();
        command.CommandText = sql + (scope.TenantId is null ? "" : SqliteSql.AndTenant) + (scope.App is null ? "" : SqliteSql.AndApp);
        command.Parameters.AddWithValue("@status", nameof(ConnectionStatus.Active));
        command.Parameters.AddWithValue("@from", UnixMilliseconds.From(from));
        command.Parameters.AddWithValue("@until", UnixMilliseconds.From(until));
        AddScope(command.Parameters, scope);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetValue(0) is long milliseconds)
            {
                instants.Add(UnixMilliseconds.ToDate(milliseconds));
            }
        }

        return instants;
    }

    private static void AddScope(SqliteParameterCollection parameters, FleetScope scope)
    {
        if (scope.TenantId is not null)
        {
            parameters.AddWithValue("@tenant", scope.TenantId);
        }

        if (scope.App is not null)
        {
            parameters.AddWithValue("@app", scope.App);
        }
    }
}
