using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using MongoDB.Driver;

namespace TokenWorkers.Storage.Mongo;

/// <summary>
/// The one MongoDB client of the process, its database, and what every collection of the worker needs:
/// a bounded reachability check with a readable failure, idempotent index creation, a ping for health.
/// A store for another collection (the posting ledger, say) registers its class maps, takes its
/// collection from <see cref="GetCollection{TDocument}"/> and calls <see cref="EnsureReachableAsync"/>
/// and <see cref="EnsureIndexesAsync{TDocument}"/> from its InitializeAsync; nothing else.
/// </summary>
public sealed partial class MongoStoreContext : IDisposable
{
    private readonly MongoClient _client;
    private readonly ILogger _logger;
    private readonly string _connectionString;

    public MongoStoreContext(IOptions<MongoStorageOptions> options, ILogger<MongoStoreContext> logger)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), logger)
    {
    }

    /// <exception cref="MongoStorageException">The connection string is missing or does not parse.</exception>
    public MongoStoreContext(MongoStorageOptions options, ILogger<MongoStoreContext>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        var settings = MongoClientSettingsFactory.Create(options, out _connectionString);
        Hosts = MongoConnectionStrings.DescribeHosts(settings);
        _client = new MongoClient(settings);
        Database = _client.GetDatabase(options.Database, MongoDurability.DatabaseSettings());
    }

    public MongoStorageOptions Options { get; }

    public IMongoDatabase Database { get; }

    /// <summary>The hosts of the connection string, for messages (never credentials).</summary>
    public string Hosts { get; }

    public IMongoCollection<TDocument> GetCollection<TDocument>(string name) => Database.GetCollection<TDocument>(name);

    /// <summary>
    /// Pings the server, bounded by <see cref="MongoStorageOptions.ServerSelectionTimeout"/>. On failure throws a
    /// <see cref="MongoStorageException"/> that names the setting, the hosts and the reason, without any secret.
    /// </summary>
    public async Task EnsureReachableAsync(CancellationToken cancellationToken)
    {
        var timeout = Options.ServerSelectionTimeout;
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            // Server selection gives up after the timeout; the extra margin bounds a server that accepts
            // the connection and then never answers.
            await PingAsync(timeout + TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsUnreachable(ex))
        {
            var failure = new MongoStorageException(
                $"MongoDB is not usable with {MongoStorageOptions.SectionName}:ConnectionString " +
                $"(host(s) {Hosts}, database '{Options.Database}'): {Describe(ex, timeout)}. " +
                $"Check the setting, the network and that the server is running.",
                ex);
            LogUnreachable(_logger, Hosts, Options.Database, failure.Message);
            throw failure;
        }

        var elapsed = TimeProvider.System.GetElapsedTime(started);
        LogReachable(_logger, Hosts, Options.Database, elapsed.TotalMilliseconds);
    }

    /// <summary>Sends <c>ping</c>; throws when no answer comes within <paramref name="timeout"/>.</summary>
    public async Task PingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await Database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: deadline.Token);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"MongoDB did not answer a ping within {timeout}.", ex);
        }
    }

    /// <summary>
    /// Creates <paramref name="indexes"/> on <paramref name="collection"/> (and the collection with them).
    /// Idempotent: an index that exists with the same name and definition is left alone. An index that exists
    /// with the same name and another definition fails with a message naming it.
    /// </summary>
    public async Task EnsureIndexesAsync<TDocument>(
        IMongoCollection<TDocument> collection,
        IReadOnlyList<CreateIndexModel<TDocument>> indexes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(indexes);
        var name = collection.CollectionNamespace.CollectionName;
        try
        {
            await collection.Indexes.CreateManyAsync(indexes, cancellationToken);
        }
        catch (MongoException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MongoStorageException(
                $"The indexes of collection '{name}' in database '{Options.Database}' on {Hosts} could not be created: " +
                $"{MongoConnectionStrings.RedactMessage(ex.Message, _connectionString)}",
                ex);
        }

        LogIndexesReady(_logger, name, Options.Database, indexes.Count);
    }

    public void Dispose() => _client.Dispose();

    private static bool IsUnreachable(Exception ex) => ex is MongoException or TimeoutException or OperationCanceledException;

    private string Describe(Exception ex, TimeSpan timeout) => ex switch
    {
        MongoAuthenticationException => "the server refused the credentials",
        TimeoutException or MongoConnectionException =>
            $"no server answered within {timeout.TotalSeconds:0.###} s ({MongoStorageOptions.SectionName}:ServerSelectionTimeout)",
        MongoCommandException command =>
            $"the server refused the ping: {MongoConnectionStrings.RedactMessage(command.ErrorMessage ?? command.Message, _connectionString)}",
        _ => MongoConnectionStrings.RedactMessage(FirstLine(ex.Message), _connectionString),
    };

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    [LoggerMessage(EventId = 520, Level = LogLevel.Information,
        Message = "MongoDB at {Hosts} answered for database {Database} in {ElapsedMs:0} ms")]
    private static partial void LogReachable(ILogger logger, string hosts, string database, double elapsedMs);

    [LoggerMessage(EventId = 521, Level = LogLevel.Critical,
        Message = "MongoDB at {Hosts} is not usable for database {Database}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string hosts, string database, string reason);

    [LoggerMessage(EventId = 522, Level = LogLevel.Information,
        Message = "MongoDB collection {Collection} in database {Database} has its {IndexCount} indexes")]
    private static partial void LogIndexesReady(ILogger logger, string collection, string database, int indexCount);
}
