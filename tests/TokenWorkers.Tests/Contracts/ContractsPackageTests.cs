using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Contracts;

/// <summary>
/// The contracts as another team consumes them: <c>dotnet pack</c> as <c>make pack</c> does, then a small project of its own,
/// outside this repository, that references the package by version from a local feed, builds for the previous LTS and
/// .NET 10, and runs: it writes a PublishPost the way a sender on that package would and reads an event back.
/// </summary>
public sealed class ContractsPackageTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("tokenworkers-contracts-package-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task The_packed_contracts_carry_both_frameworks_docs_readme_and_licence_and_a_project_of_another_team_builds_and_runs_on_them()
    {
        var feed = Path.Combine(_work, "feed");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        // --no-build: the contracts were built with the tests; rebuilding them here could race the other test processes.
        await RunAsync(RepositoryRoot.Path, "pack", Path.Combine("src", "TokenWorkers.Contracts"), "-c", configuration, "--no-build", "-o", feed);

        var package = Assert.Single(Directory.GetFiles(feed, "TokenWorkers.Contracts.*.nupkg"));
        var version = Path.GetFileNameWithoutExtension(package)["TokenWorkers.Contracts.".Length..];
        using (var zip = ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            foreach (var framework in new[] { "net8.0", "net10.0" })
            {
                Assert.Contains($"lib/{framework}/TokenWorkers.Contracts.dll", entries);
                Assert.Contains($"lib/{framework}/TokenWorkers.Contracts.xml", entries);
            }

            Assert.Contains("README.md", entries);
            await using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var metadata = (await XDocument.LoadAsync(nuspec, LoadOptions.None, Cancel)).Descendants().ToList();
            Assert.Equal("MIT", metadata.Single(e => e.Name.LocalName == "license").Value);
            Assert.DoesNotContain(metadata, e => e.Name.LocalName == "dependency");
        }

        var consumer = Path.Combine(_work, "other-team");
        Directory.CreateDirectory(consumer);
        await File.WriteAllTextAsync(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="tokenworkers-local" value="{feed}" />
              </packageSources>
            </configuration>
            """, Cancel);
        await File.WriteAllTextAsync(Path.Combine(consumer, "OtherTeam.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFrameworks>net8.0;net10.0</TargetFrameworks>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TokenWorkers.Contracts" Version="{version}" />
              </ItemGroup>
            </Project>
            """, Cancel);
        await File.WriteAllTextAsync(Path.Combine(consumer, "Program.cs"), """
            using System.Text.Json;
            using TokenWorkers.Contracts;

            var post = new PublishPost { PostId = "p-1", ConnectionId = "c-1", Text = "Hello", Visibility = PostVisibility.Connections };
            Console.WriteLine(JsonSerializer.Serialize(post));
            var failed = JsonSerializer.Deserialize<PostFailed>(
                "{\"EventId\":\"6f1c1f2e-7d0b-4b8e-9a57-0d9b6f6c2f10\",\"PostId\":\"p-1\",\"ConnectionId\":\"c-1\",\"Version\":2," +
                "\"OccurredAt\":\"2026-12-02T00:00:00Z\",\"FailureClass\":\"Permission\",\"Reason\":\"no role\",\"CanResend\":true}")!;
            Console.WriteLine($"read {failed.FailureClass} for {failed.PostId}");
            """, Cancel);

        // NuGet keeps a package by id and version for good: a cached copy from an earlier run of the same version would be
        // what the project builds on instead of the one packed now.
        var cached = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                                  ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "tokenworkers.contracts", version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }

        await RunAsync(consumer, "build", "-c", "Release");
        var output = await RunAsync(consumer, "run", "--no-build", "-c", "Release", "-f", "net10.0");

        Assert.Contains("\"Visibility\":\"Connections\"", output, StringComparison.Ordinal);
        Assert.Contains("read Permission for p-1", output, StringComparison.Ordinal);
    }

    private static async Task<string> RunAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(Cancel);
        var stderr = process.StandardError.ReadToEndAsync(Cancel);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited {process.ExitCode}:\n{output}");
        return output;
    }
}
