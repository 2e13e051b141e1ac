using TokenWorkers.Storage.Mongo;

namespace TokenWorkers.Tests.Storage.Mongo;

public class MongoStorageOptionsTests
{
    private const string Password = "s3cretPW";
    private readonly MongoStorageOptionsValidator _validator = new();

    [Fact]
    public void Defaults_with_a_connection_string_are_valid()
    {
        var options = new MongoStorageOptions { ConnectionString = "mongodb://localhost:27017" };

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal("tokenworkers", options.Database);
        Assert.Equal("connections", options.Collections.Connections);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ServerSelectionTimeout);
    }

    [Fact]
    public void A_missing_connection_string_is_reported_by_its_setting_name()
    {
        var result = _validator.Validate(null, new MongoStorageOptions());

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Storage:Mongo:ConnectionString is required", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mongodb://user:" + Password + "@127.0.0.1:1/?serverSelectionTimeoutMS=abc")]
    [InlineData("http://user:" + Password + "@db.example.com")]
    [InlineData("mongodb+srv://user:" + Password + "@a.example.com,b.example.com/")]
    [InlineData("mongodb://host/?tlsCertificateKeyFilePassword=" + Password + "&serverSelectionTimeoutMS=abc")]
    public void An_unparsable_connection_string_is_reported_with_the_parse_error_but_never_the_password(string connectionString)
    {
        var result = _validator.Validate(null, new MongoStorageOptions { ConnectionString = connectionString });

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Storage:Mongo:ConnectionString is not a valid MongoDB connection string", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, failure, StringComparison.Ordinal);
    }

    [Fact]
    public void The_parse_error_says_what_is_wrong()
    {
        var result = _validator.Validate(null, new MongoStorageOptions
        {
            ConnectionString = "mongodb://user:" + Password + "@127.0.0.1:1/?serverSelectionTimeoutMS=abc",
        });

        var failure = Assert.Single(result.Failures!);
        Assert.Contains("serverSelectionTimeoutMS", failure, StringComparison.Ordinal);
        Assert.Contains("mongodb://user:***@127.0.0.1:1/", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_invalid_setting_is_reported_at_once_by_name()
    {
        var result = _validator.Validate(null, new MongoStorageOptions
        {
            ConnectionString = "mongodb://localhost",
            Database = "bad.name",
            Collections = new MongoCollectionNames { Connections = "system.connections" },
            ServerSelectionTimeout = TimeSpan.Zero,
            HealthCheckTimeout = TimeSpan.FromHours(1),
        });

        Assert.Collection(
            result.Failures!,
            f => Assert.StartsWith("Storage:Mongo:Database ", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Storage:Mongo:Collections:Connections ", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Storage:Mongo:ServerSelectionTimeout ", f, StringComparison.Ordinal),
            f => Assert.StartsWith("Storage:Mongo:HealthCheckTimeout ", f, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("mongodb://user:" + Password + "@host1:27017,host2/db?replicaSet=rs0", "mongodb://user:***@host1:27017,host2/db?replicaSet=rs0")]
    [InlineData("mongodb://user:p%40ss" + Password + "@host", "mongodb://user:***@host")]
    [InlineData("mongodb://user:p@ss" + Password + "@host", "mongodb://user:***@host")]
    [InlineData("mongodb://host/?tlsCertificateKeyFilePassword=" + Password + "&ssl=true", "mongodb://host/?tlsCertificateKeyFilePassword=***&ssl=true")]
    [InlineData("mongodb://host:27017/db", "mongodb://host:27017/db")]
    [InlineData("mongodb://user@host", "mongodb://user@host")]
    public void Redaction_hides_passwords_and_secret_options_and_keeps_the_rest(string connectionString, string expected)
    {
        Assert.Equal(expected, MongoConnectionStrings.Redact(connectionString));
    }

    [Fact]
    public void The_option_overrides_the_server_selection_timeout_of_the_connection_string()
    {
        var settings = MongoClientSettingsFactory.Create(new MongoStorageOptions
        {
            ConnectionString = "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=600000",
            ServerSelectionTimeout = TimeSpan.FromSeconds(2),
        });

        Assert.Equal(TimeSpan.FromSeconds(2), settings.ServerSelectionTimeout);
    }
}
