using System.Buffers;
using System.Text;
using Microsoft.Extensions.Options;
using MongoDB.Driver;
using TokenWorkers.Runtime;

namespace TokenWorkers.Storage.Mongo;

/// <summary>Where the MongoDB store keeps its documents, and how long it waits for the server.</summary>
public sealed class MongoStorageOptions
{
    public const string SectionName = "Storage:Mongo";

    /// <summary>
    /// A <c>mongodb://</c> or <c>mongodb+srv://</c> connection string; required when MongoDB is the store.
    /// It usually holds a password: set it through the environment (<c>Storage__Mongo__ConnectionString</c>)
    /// or <see cref="ConnectionStringFile"/>, never in committed settings. Its path selects only the authentication
    /// database, as in the driver; the data lives in <see cref="Database"/>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>A file holding the connection string (a mounted secret); surrounding whitespace is ignored. Set this or <see cref="ConnectionString"/>, not both.</summary>
    public string? ConnectionStringFile { get; set; }

    /// <summary>The database that holds the worker's collections. Default <c>tokenworkers</c>.</summary>
    public string Database { get; set; } = "tokenworkers";

    /// <summary>Collection names, one per kind of document.</summary>
    public MongoCollectionNames Collections { get; set; } = new();

    /// <summary>
    /// How long an operation waits for a usable server before failing. It overrides any
    /// <c>serverSelectionTimeoutMS</c> in the connection string, so that a wrong connection string stops
    /// start-up within this time instead of hanging (the driver's own default is 30 s). Default 5 s.
    /// </summary>
    public TimeSpan ServerSelectionTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the readiness health check waits for the server to answer a ping. Default 2 s.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>The collection of each kind of document.</summary>
public sealed class MongoCollectionNames
{
    /// <summary>One document per LinkedIn connection. Default <c>connections</c>.</summary>
    public string Connections { get; set; } = "connections";

    /// <summary>The posting ledger: one document per PostId. Default <c>posts</c>.</summary>
    public string Posts { get; set; } = "posts";

    /// <summary>The audit trail: one document per state-changing call. Default <c>audit</c>.</summary>
    public string Audit { get; set; } = "audit";

    /// <summary>Connect sessions minted by the product's backend. Default <c>connectSessions</c>.</summary>
    public string ConnectSessions { get; set; } = "connectSessions";
}

/// <summary>Checks <see cref="MongoStorageOptions"/>; every error names its setting and never shows a password.</summary>
public sealed class MongoStorageOptionsValidator : IValidateOptions<MongoStorageOptions>
{
    internal static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(100);
    internal static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(5);

    // Characters MongoDB refuses in database names on any platform.
    private static readonly SearchValues<char> ForbiddenInDatabaseName = SearchValues.Create("/\\. \"$*<>:|?\0");

    public ValidateOptionsResult Validate(string? name, MongoStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string Section = MongoStorageOptions.SectionName;
        var errors = new List<string>();

        var problems = errors.Count;
        var (connectionSetting, connectionString) = MongoClientSettingsFactory.ConnectionString(options, errors);
        if (connectionString is null && errors.Count == problems)
        {
            errors.Add($"{Section}:ConnectionString is required when MongoDB is the store (for example mongodb://localhost:27017), " +
                $"or {Section}:ConnectionStringFile naming a file that holds it.");
        }
        else if (connectionString is not null && MongoConnectionStrings.TryParse(connectionString, out _) is { } parseError)
        {
            errors.Add($"{connectionSetting} is not a valid MongoDB connection string " +
                $"({MongoConnectionStrings.Redact(connectionString)}): {parseError}");
        }

        if (string.IsNullOrEmpty(options.Database)
            || options.Database.AsSpan().ContainsAny(ForbiddenInDatabaseName)
            || Encoding.UTF8.GetByteCount(options.Database) >= 64)
        {
            errors.Add($"{Section}:Database must be a MongoDB database name: 1 to 63 bytes, without spaces or any of / \\ . \" $ * < > : | ?.");
        }

        if (!IsCollectionName(options.Collections?.Connections))
        {
            errors.Add($"{Section}:Collections:Connections must be a MongoDB collection name: not empty, without '$', not starting with 'system.'.");
        }

        foreach (var (setting, value) in new[]
                 {
                     ("Posts", options.Collections?.Posts), ("Audit", options.Collections?.Audit), ("ConnectSessions", options.Collections?.ConnectSessions),
                 })
        {
            if (!IsCollectionName(value))
            {
                errors.Add($"{Section}:Collections:{setting} must be a MongoDB collection name: not empty, without '$', not starting with 'system.'.");
            }
        }

        if (options.ServerSelectionTimeout < MinTimeout || options.ServerSelectionTimeout > MaxTimeout)
        {
            errors.Add($"{Section}:ServerSelectionTimeout must be between {MinTimeout} and {MaxTimeout}.");
        }

        if (options.HealthCheckTimeout < MinTimeout || options.HealthCheckTimeout > MaxTimeout)
        {
            errors.Add($"{Section}:HealthCheckTimeout must be between {MinTimeout} and {MaxTimeout}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsCollectionName(string? name) =>
        !string.IsNullOrWhiteSpace(name)
        && !name.Contains('$', StringComparison.Ordinal)
        && !name.Contains('\0', StringComparison.Ordinal)
        && !name.StartsWith("system.", StringComparison.Ordinal);
}

/// <summary>Builds the driver's settings from the options; the single place that applies the timeout override.</summary>
internal static class MongoClientSettingsFactory
{
    public static MongoClientSettings Create(MongoStorageOptions options) => Create(options, out _);

    /// <param name="connectionString">The connection string used, from its setting or its file, to redact messages with.</param>
    public static MongoClientSettings Create(MongoStorageOptions options, out string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var (setting, value) = ConnectionString(options, problems);
        if (value is null)
        {
            throw new MongoStorageException(problems.Count > 0 ? string.Join(" ", problems) : $"{MongoStorageOptions.SectionName}:ConnectionString is not set.");
        }

        if (MongoConnectionStrings.TryParse(value, out var settings) is { } parseError)
        {
            throw new MongoStorageException(
                $"{setting} is not a valid MongoDB connection string ({MongoConnectionStrings.Redact(value)}): {parseError}");
        }

        settings!.ServerSelectionTimeout = options.ServerSelectionTimeout;
        connectionString = value;
        return settings;
    }

    /// <summary>The connection string from <c>ConnectionString</c> or <c>ConnectionStringFile</c> with the setting that gave it; null (and maybe a problem) when neither gives one.</summary>
    internal static (string Setting, string? Value) ConnectionString(MongoStorageOptions options, ICollection<string> problems)
    {
        const string Value = MongoStorageOptions.SectionName + ":ConnectionString";
        const string FileSetting = MongoStorageOptions.SectionName + ":ConnectionStringFile";
        var given = string.IsNullOrWhiteSpace(options.ConnectionString) ? null : options.ConnectionString;
        var value = SecretSetting.Resolve(Value, given, FileSetting, options.ConnectionStringFile, problems, required: false);
        return (given is null ? FileSetting : Value, value);
    }
}
