using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Sandbox;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Storage.Sqlite;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// <c>TokenWorkers import FILE</c>: the built worker run as a one-off command on a store file, asking the sandbox over HTTP
/// what the lines do not say, as an operator runs it to bring an earlier system's connections in.
/// </summary>
public sealed class ImportCommandTests : IAsyncLifetime
{
    private const string ClientId = "tw-import-command";
    private const string ClientSecret = "tw-import-command-secret";
    private const string KeyId = "import-1";
    private static readonly string Key = Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("tokenworkers-import-").FullName;
    private LinkedInSandbox _sandbox = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _sandbox = await LinkedInSandbox.StartAsync(cancellationToken: Cancel);
        _sandbox.Control.CreateApp(ClientId, ClientSecret, programmaticRefresh: true);
    }

    public async ValueTask DisposeAsync()
    {
        await _sandbox.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task Import_stores_the_good_lines_names_the_bad_ones_exits_1_and_a_rerun_of_the_good_ones_exits_0_unchanged()
    {
        var grants = Enumerable.Range(0, 3).Select(_ => _sandbox.Control.SeedGrant(ClientId, _sandbox.Control.CreateMember().Sub, "openid", "profile")).ToArray();
        var good = grants.Select((g, i) => JsonSerializer.Serialize(new { connectionId = $"cmd-{i}", tenantId = "t-cmd", accessToken = g.AccessToken, refreshToken = g.RefreshToken })).ToArray();
        var mixed = WriteFile("mixed.ndjson", [.. good, """{"connectionId":"cmd-app","tenantId":"t-cmd","accessToken":"x","app":"other"}""", .. Enumerable.Repeat("{broken", 1_000)]);

        var (exitCode, output) = await RunAsync("import", mixed);

        Assert.True(exitCode == 1, $"exit code {exitCode}:\n{output}");
        Assert.Contains("1004 lines: 3 imported, 0 unchanged, 0 skipped, 1001 rejected", output, StringComparison.Ordinal);
        Assert.Contains("line 4  cmd-app  rejected  unknown app", output, StringComparison.Ordinal);
        Assert.Contains("Import: 1000 lines done", output, StringComparison.Ordinal);
        foreach (var grant in grants)
        {
            Assert.DoesNotContain(grant.AccessToken, output, StringComparison.Ordinal);
            Assert.DoesNotContain(grant.RefreshToken!, output, StringComparison.Ordinal);
        }

        using (var store = new SqliteConnectionStore(Path.Combine(_dataDirectory, SqliteConnectionStore.FileName), Protector(), NullLogger<SqliteConnectionStore>.Instance))
        {
            for (var i = 0; i < grants.Length; i++)
            {
                var stored = (await store.FindAsync($"cmd-{i}", Cancel))!;
                Assert.Equal(new SecretToken(grants[i].AccessToken), stored.AccessToken);
                // No bus in a one-off command: the event waits in the outbox for a running worker's sweep.
                var (message, _) = EventCodec.FromPending(Assert.Single(stored.PendingEvents));
                Assert.True(Assert.IsType<ConnectionAuthorized>(message).Imported);
            }
        }

        var (again, secondOutput) = await RunAsync("import", WriteFile("good.ndjson", good));
        Assert.True(again == 0, $"exit code {again}:\n{secondOutput}");
        Assert.Contains("3 lines: 0 imported, 3 unchanged, 0 skipped, 0 rejected", secondOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_without_a_file_or_with_a_missing_one_exits_2_saying_how_to_call_it()
    {
        var (noFile, usage) = await RunAsync("import");
        var (missing, notFound) = await RunAsync("import", Path.Combine(_dataDirectory, "nope.ndjson"));

        Assert.Equal(2, noFile);
        Assert.Contains("Usage: TokenWorkers import FILE", usage, StringComparison.Ordinal);
        Assert.Equal(2, missing);
        Assert.Contains("No such file", notFound, StringComparison.Ordinal);
    }

    private string WriteFile(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_dataDirectory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static AesGcmTokenProtector Protector()
    {
        var options = new EncryptionOptions { ActiveKeyId = KeyId };
        options.Keys[KeyId] = Key;
        return new AesGcmTokenProtector(Options.Create(options));
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ReencryptCommandTests.WorkerAssembly)!,
        };
        start.ArgumentList.Add(ReencryptCommandTests.WorkerAssembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["LinkedIn__ClientId"] = ClientId;
        start.Environment["LinkedIn__ClientSecret"] = ClientSecret;
        start.Environment["LinkedIn__OAuthBaseUrl"] = _sandbox.BaseAddress.ToString();
        start.Environment["LinkedIn__ApiBaseUrl"] = _sandbox.BaseAddress.ToString();
        start.Environment["Storage__DataDirectory"] = _dataDirectory;
        start.Environment["Encryption__ActiveKeyId"] = KeyId;
        start.Environment[$"Encryption__Keys__{KeyId}"] = Key;

        using var process = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        var output = process.StandardOutput.ReadToEndAsync(Cancel);
        var errors = process.StandardError.ReadToEndAsync(Cancel);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"The command did not finish within 90 s:\n{await output}{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }
}
