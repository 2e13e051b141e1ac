using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TokenWorkers.Connect;
using TokenWorkers.Connections;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Storage.Mongo;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// The secrets a deployment mounts as files (compose's <c>secrets:</c>): <c>LinkedIn:ClientSecretFile</c>,
/// <c>Encryption:KeyFiles:&lt;id&gt;</c> and <c>Storage:Mongo:ConnectionStringFile</c>. Each is one of value or file, never
/// both; a missing or empty file stops start-up naming the setting, never showing the secret.
/// </summary>
public sealed class SecretFileSettingsTests : IDisposable
{
    private const string Sentinel = "SENTINEL-FILE-SECRET-0427";
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenworkers-secrets-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task The_client_secret_is_read_from_its_file_and_sent_to_LinkedIn_without_surrounding_whitespace()
    {
        var file = Write("linkedin_client_secret", Sentinel + "\n");
        var options = Validated<LinkedInOptions>(new() { ["LinkedIn:ClientId"] = "tw-client", ["LinkedIn:ClientSecretFile"] = file });
        var handler = new FormCapture();
        using var http = new HttpClient(handler) { BaseAddress = options.OAuthBaseUrl };

        var client = new LinkedInOAuthClient(http, Options.Create(options), new FakeTimeProvider());
        await client.RefreshAsync("default", new SecretToken("AQX-refresh"), TestContext.Current.CancellationToken);

        Assert.Contains($"client_secret={Sentinel}&", handler.Form + "&", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LinkedIn:ClientSecret and LinkedIn:ClientSecretFile are both set: set one, not both.", true, "content")]
    [InlineData("LinkedIn:ClientSecretFile '{file}' is empty.", false, " \n")]
    [InlineData("LinkedIn:ClientSecretFile '{file}' cannot be read: FileNotFoundException.", false, null)]
    public void A_client_secret_file_in_conflict_missing_or_empty_is_reported_by_its_setting(string expected, bool alsoValue, string? content)
    {
        var file = Path.Combine(_directory, "linkedin_client_secret");
        if (content is not null)
        {
            File.WriteAllText(file, content == "content" ? Sentinel : content);
        }

        var settings = new Dictionary<string, string?> { ["LinkedIn:ClientId"] = "tw-client", ["LinkedIn:ClientSecretFile"] = file };
        if (alsoValue)
        {
            settings["LinkedIn:ClientSecret"] = Sentinel;
        }

        var failure = Assert.Single(Failures<LinkedInOptions>(settings));

        Assert.Equal(expected.Replace("{file}", file, StringComparison.Ordinal), failure);
    }

    [Fact]
    public void Neither_client_secret_nor_its_file_is_reported_naming_both()
    {
        var failure = Assert.Single(Failures<LinkedInOptions>(new() { ["LinkedIn:ClientId"] = "tw-client" }));

        Assert.Equal("LinkedIn:ClientSecret or LinkedIn:ClientSecretFile is required.", failure);
    }

    [Fact]
    public void An_encryption_key_from_a_file_encrypts_what_the_same_key_given_as_a_value_decrypts()
    {
        var options = new EncryptionOptions { ActiveKeyId = The.KeyAId };
        options.KeyFiles[The.KeyAId] = Write("encryption_key", The.KeyA + "\n");
        options.Keys[The.KeyBId] = The.KeyB;

        Assert.True(new EncryptionOptionsValidator().Validate(null, options).Succeeded);
        var written = new AesGcmTokenProtector(Options.Create(options)).Protect(new SecretToken("AQV-file"), The.ConnectionId, TokenKind.Access);

        Assert.Equal(The.KeyAId, written.KeyId);
        Assert.Equal("AQV-file", Some.Protector(The.KeyAId).Unprotect(written, The.ConnectionId, TokenKind.Access).Reveal());
    }

    [Fact]
    public void Encryption_key_files_in_conflict_missing_empty_or_not_a_key_are_each_reported_by_their_setting()
    {
        var options = new EncryptionOptions { ActiveKeyId = "both" };
        options.Keys["both"] = The.KeyA;
        options.KeyFiles["both"] = Write("both", The.KeyA);
        options.KeyFiles["missing"] = Path.Combine(_directory, "missing");
        options.KeyFiles["empty"] = Write("empty", "\n");
        options.KeyFiles["short"] = Write("short", "AAECAwQFBgcICQoLDA0ODw==");
        options.KeyFiles["unnamed"] = "";

        var failures = new EncryptionOptionsValidator().Validate(null, options).Failures!;

        Assert.Equal(
            [
                "Encryption:Keys:both and Encryption:KeyFiles:both are both set: set one, not both.",
                $"Encryption:KeyFiles:missing '{options.KeyFiles["missing"]}' cannot be read: FileNotFoundException.",
                $"Encryption:KeyFiles:empty '{options.KeyFiles["empty"]}' is empty.",
                "Encryption:KeyFiles:unnamed is empty: name a file that holds base64 of 32 random bytes.",
                "Encryption:KeyFiles:short decodes to 16 bytes: AES-256 needs exactly 32.",
            ],
            failures);
        Assert.DoesNotContain(failures, f => f.Contains(The.KeyA, StringComparison.Ordinal));
    }

    [Fact]
    public void The_active_key_may_be_one_given_as_a_file_and_must_be_given_in_one_form()
    {
        var options = new EncryptionOptions { ActiveKeyId = "key-2027" };
        options.KeyFiles[The.KeyAId] = Write("encryption_key", The.KeyA);

        var failure = Assert.Single(new EncryptionOptionsValidator().Validate(null, options).Failures!);

        Assert.Equal("Encryption:ActiveKeyId is 'key-2027', but there is no Encryption:Keys:key-2027 (nor Encryption:KeyFiles:key-2027).", failure);
    }

    [Fact]
    public void A_mongo_connection_string_with_credentials_is_read_from_its_file()
    {
        var options = new MongoStorageOptions { ConnectionStringFile = Write("mongo_connection_string", $"mongodb://tokenworkers:{Sentinel}@mongo:27017/admin\n") };

        Assert.True(new MongoStorageOptionsValidator().Validate(null, options).Succeeded);
        var settings = MongoClientSettingsFactory.Create(options);

        Assert.Equal("mongo", Assert.Single(settings.Servers).Host);
        Assert.Equal("tokenworkers", settings.Credential.Username);
    }

    [Fact]
    public void A_mongo_connection_string_file_in_conflict_or_not_parsable_is_reported_by_its_setting_without_the_password()
    {
        var both = new MongoStorageOptions { ConnectionString = "mongodb://mongo:27017", ConnectionStringFile = Write("a", "mongodb://mongo:27017") };
        var unparsable = new MongoStorageOptions { ConnectionStringFile = Write("b", $"mongodb://tokenworkers:{Sentinel}@mongo:27017/?serverSelectionTimeoutMS=abc") };
        var missing = new MongoStorageOptions { ConnectionStringFile = Path.Combine(_directory, "missing") };

        Assert.Equal(
            "Storage:Mongo:ConnectionString and Storage:Mongo:ConnectionStringFile are both set: set one, not both.",
            Assert.Single(new MongoStorageOptionsValidator().Validate(null, both).Failures!));
        var parseFailure = Assert.Single(new MongoStorageOptionsValidator().Validate(null, unparsable).Failures!);
        Assert.StartsWith("Storage:Mongo:ConnectionStringFile is not a valid MongoDB connection string", parseFailure, StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, parseFailure, StringComparison.Ordinal);
        Assert.Equal(
            $"Storage:Mongo:ConnectionStringFile '{missing.ConnectionStringFile}' cannot be read: FileNotFoundException.",
            Assert.Single(new MongoStorageOptionsValidator().Validate(null, missing).Failures!));
    }

    [Fact]
    public void The_connect_state_key_is_read_from_its_file_and_one_form_only_is_accepted()
    {
        var key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var fromFile = new ConnectOptions { Enabled = true, PublicBaseUrl = new Uri("https://tokenworkers.example.com/"), StateKeyFile = Write("connect_state_key", key + "\n") };
        var both = new ConnectOptions { Enabled = true, PublicBaseUrl = new Uri("https://tokenworkers.example.com/"), StateKey = key, StateKeyFile = fromFile.StateKeyFile };
        var notAKey = new ConnectOptions { Enabled = true, PublicBaseUrl = new Uri("https://tokenworkers.example.com/"), StateKeyFile = Write("short", "AAECAwQFBgcICQoLDA0ODw==") };

        Assert.True(new ConnectOptionsValidator().Validate(null, fromFile).Succeeded);
        Assert.Equal(Convert.FromBase64String(key), fromFile.StateKeyBytes);
        Assert.Equal(
            "Connect:StateKey and Connect:StateKeyFile are both set: set one, not both.",
            Assert.Single(new ConnectOptionsValidator().Validate(null, both).Failures!));
        Assert.Equal(
            "Connect:StateKeyFile must hold base64 of at least 32 bytes.",
            Assert.Single(new ConnectOptionsValidator().Validate(null, notAKey).Failures!));
    }

    [Fact]
    public async Task The_worker_stops_at_start_up_naming_every_secret_file_it_cannot_read_without_a_secret()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder(
            new Microsoft.AspNetCore.Builder.WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LinkedIn:ClientId"] = "tw-client",
            ["LinkedIn:ClientSecretFile"] = Path.Combine(_directory, "no-client-secret"),
            ["Encryption:ActiveKeyId"] = "k1",
            ["Encryption:KeyFiles:k1"] = Write("empty-key", ""),
            ["Encryption:Keys:k2"] = Sentinel,
        });
        builder.AddTokenWorkers();
        await using var app = builder.Build();
        var error = new StringWriter();
        var original = Console.Error;
        Console.SetError(error);
        int exitCode;
        try
        {
            exitCode = await app.RunTokenWorkersAsync();
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(2, exitCode);
        Assert.Contains("LinkedIn:ClientSecretFile", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("Encryption:KeyFiles:k1", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Sentinel, error.ToString(), StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static T Validated<T>(Dictionary<string, string?> settings)
        where T : class
    {
        using var provider = Services(settings);
        return provider.GetRequiredService<IOptions<T>>().Value;
    }

    private static IEnumerable<string> Failures<T>(Dictionary<string, string?> settings)
        where T : class
    {
        using var provider = Services(settings);
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<T>>().Value).Failures;
    }

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLinkedIn().BuildServiceProvider();
    }

    /// <summary>Answers LinkedIn's token endpoint with an error and keeps the form it was sent, to see which secret went out.</summary>
    private sealed class FormCapture : HttpMessageHandler
    {
        public string Form { get; private set; } = "";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Form = await request.Content!.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.BadRequest)
            {
                Content = new StringContent("""{"error":"invalid_request","error_description":"captured"}""", System.Text.Encoding.UTF8, "application/json"),
            };
        }
    }
}
