using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// <c>TokenWorkers reencrypt</c>: the built worker run as a one-off command on a store file, as an operator runs it after
/// making a new key current, before retiring the old one.
/// </summary>
public sealed class ReencryptCommandTests : IDisposable
{
    private const string OldKeyId = "old-2025";
    private const string NewKeyId = "new-2026";
    private static readonly string OldKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 3)).ToArray());
    private static readonly string NewKey = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(255 - i)).ToArray());

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-reencrypt-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string DatabasePath => Path.Combine(_dataDirectory, SqliteConnectionStore.FileName);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Reencrypt_rewrites_every_row_under_the_active_key_so_the_old_key_can_be_removed()
    {
        await SeedAsync(Protector(OldKeyId, (OldKeyId, OldKey)), "c-1", "c-2", "c-3");

        var (exitCode, output) = await RunAsync(NewKeyId, (OldKeyId, OldKey), (NewKeyId, NewKey));

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{output}");
        Assert.Contains("3 re-encrypted", output, StringComparison.Ordinal);
        Assert.Contains($"{NewKeyId}: 3", output, StringComparison.Ordinal);
        Assert.DoesNotContain(OldKey, output, StringComparison.Ordinal);
        Assert.DoesNotContain(NewKey, output, StringComparison.Ordinal);
        using var onlyNewKey = new SqliteConnectionStore(DatabasePath, Protector(NewKeyId, (NewKeyId, NewKey)), NullLogger<SqliteConnectionStore>.Instance);
        foreach (var id in new[] { "c-1", "c-2", "c-3" })
        {
            Assert.Equal(new SecretToken($"AQV-command-access-{id}"), (await onlyNewKey.FindAsync(id, Cancel))?.AccessToken);
        }
    }

    [Fact]
    public async Task Reencrypt_goes_past_a_row_it_cannot_read_names_it_and_exits_with_1()
    {
        await SeedAsync(Protector(OldKeyId, (OldKeyId, OldKey)), "c-1", "c-2");
        await SqliteBadRows.BreakAsync(DatabasePath, "c-1", BadRow.TamperedCiphertext);

        var (exitCode, output) = await RunAsync(NewKeyId, (OldKeyId, OldKey), (NewKeyId, NewKey));

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        Assert.Contains("1 re-encrypted", output, StringComparison.Ordinal);
        Assert.Contains("c-1", output, StringComparison.Ordinal);
        Assert.Contains("Tampered", output, StringComparison.Ordinal);
    }

    private static AesGcmTokenProtector Protector(string active, params (string Id, string Key)[] keys)
    {
        var options = new EncryptionOptions { ActiveKeyId = active };
        foreach (var (id, key) in keys)
        {
            options.Keys[id] = key;
        }

        return new AesGcmTokenProtector(Options.Create(options));
    }

    private async Task SeedAsync(ITokenProtector protector, params string[] ids)
    {
        using var store = new SqliteConnectionStore(DatabasePath, protector, NullLogger<SqliteConnectionStore>.Instance);
        await store.InitializeAsync(Cancel);
        foreach (var id in ids)
        {
            Assert.NotNull(await store.TryInsertAsync(new Connection
            {
                ConnectionId = id,
                TenantId = "tenant-command",
                AccessToken = new SecretToken($"AQV-command-access-{id}"),
                RefreshToken = new SecretToken($"AQX-command-refresh-{id}"),
                AccessTokenExpiresAt = DateTimeOffset.UtcNow.AddDays(40),
                NextRefreshAt = DateTimeOffset.UtcNow.AddDays(30),
                CreatedAt = DateTimeOffset.UtcNow,
            }, Cancel));
        }
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string active, params (string Id, string Key)[] keys)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(WorkerAssembly)!,
        };
        start.ArgumentList.Add(WorkerAssembly);
        start.ArgumentList.Add("reencrypt");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["LinkedIn__ClientId"] = "tw-command";
        start.Environment["LinkedIn__ClientSecret"] = "tw-command-secret";
        start.Environment["Storage__DataDirectory"] = _dataDirectory;
        start.Environment["Encryption__ActiveKeyId"] = active;
        foreach (var (id, key) in keys)
        {
            start.Environment[$"Encryption__Keys__{id}"] = key;
        }

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var output = process.StandardOutput.ReadToEndAsync(Cancel);
        var errors = process.StandardError.ReadToEndAsync(Cancel);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // A command that never ends (a worker that started serving instead) must not outlive the test.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"The command did not finish within 60 s:\n{await output}{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }

    /// <summary>The worker's own build output for the configuration these tests were built in.</summary>
    internal static string WorkerAssembly
    {
        get
        {
            var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var assembly = Path.Combine(RepositoryRoot.Path, "src", "TokenWorkers", "bin", testOutput.Parent!.Name, testOutput.Name, "TokenWorkers.dll");
            return File.Exists(assembly) ? assembly : throw new InvalidOperationException($"Build the worker first: {assembly} is missing");
        }
    }
}
