using TokenWorkers.Storage;

namespace TokenWorkers.Tests.Storage;

public sealed class StorageOptionsValidatorTests
{
    private readonly StorageOptionsValidator _validator = new();

    [Fact]
    public void The_defaults_are_the_embedded_store_in_a_data_directory_and_are_valid()
    {
        var options = new StorageOptions();

        Assert.Equal("Sqlite", options.Provider);
        Assert.Equal(".data", options.DataDirectory);
        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("SQLITE")]
    [InlineData("Mongo")]
    [InlineData("mongo")]
    public void Known_providers_are_accepted_in_any_case(string provider)
    {
        Assert.True(_validator.Validate(null, new StorageOptions { Provider = provider }).Succeeded);
    }

    [Theory]
    [InlineData("Postgres")]
    [InlineData("")]
    public void An_unknown_provider_is_reported_with_its_setting_and_the_accepted_values(string provider)
    {
        var failure = Assert.Single(_validator.Validate(null, new StorageOptions { Provider = provider }).Failures!);

        Assert.Equal($"Storage:Provider is '{provider}', which is not one of: Sqlite, Mongo.", failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_data_directory_is_reported_by_its_setting(string directory)
    {
        var failure = Assert.Single(_validator.Validate(null, new StorageOptions { DataDirectory = directory }).Failures!);

        Assert.StartsWith("Storage:DataDirectory is empty", failure, StringComparison.Ordinal);
    }
}
