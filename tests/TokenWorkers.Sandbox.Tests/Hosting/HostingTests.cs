using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TokenWorkers.Sandbox.Tests.Support;

namespace TokenWorkers.Sandbox.Tests.Hosting;

public sealed class HostingTests
{
    [Fact]
    public async Task The_sandbox_listens_on_a_free_loopback_port_with_a_trailing_slash()
    {
        await using var first = await LinkedInSandbox.StartAsync(cancellationToken: Harness.Ct);
        await using var second = await LinkedInSandbox.StartAsync(cancellationToken: Harness.Ct);

        Assert.Equal("127.0.0.1", first.BaseAddress.Host);
        Assert.NotEqual(first.BaseAddress.Port, second.BaseAddress.Port);
        Assert.EndsWith("/", first.BaseAddress.AbsoluteUri, StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = first.BaseAddress };
        using var response = await http.GetAsync("_sandbox/clock", Harness.Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void The_whole_configuration_section_binds()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sandbox:Apps:0:ClientId"] = "bound-app",
            ["Sandbox:Apps:0:ClientSecret"] = "bound-secret",
            ["Sandbox:Apps:0:ProgrammaticRefresh"] = "false",
            ["Sandbox:Apps:0:RedirectUris:0"] = "http://localhost/cb",
            ["Sandbox:Members:0:Sub"] = "BoundSub01",
            ["Sandbox:Members:0:Name"] = "Bound Member",
            ["Sandbox:AccessTokenLifetime"] = "1.00:00:00",
            ["Sandbox:RefreshTokenError"] = "InvalidGrant",
            ["Sandbox:MemberDailyPostLimit"] = "7",
            ["Sandbox:EndpointLatency:accessToken"] = "00:00:00.200",
        }).Build();

        var settings = configuration.GetSection(SandboxSettings.SectionName).Get<SandboxSettings>()!;

        var app = Assert.Single(settings.Apps);
        Assert.Equal(("bound-app", "bound-secret", false), (app.ClientId, app.ClientSecret, app.ProgrammaticRefresh));
        Assert.Equal("BoundSub01", Assert.Single(settings.Members).Sub);
        Assert.Equal(TimeSpan.FromDays(1), settings.AccessTokenLifetime);
        Assert.Equal(RefreshTokenError.InvalidGrant, settings.RefreshTokenError);
        Assert.Equal(7, settings.MemberDailyPostLimit);
        Assert.Equal(TimeSpan.FromMilliseconds(200), settings.EndpointLatency["accessToken"]);
    }

    [Fact]
    public async Task Invalid_settings_stop_the_start_and_name_every_bad_setting()
    {
        var settings = new SandboxSettings
        {
            Apps = { new SandboxAppSettings { ClientId = "", ClientSecret = "s", AllowedScopes = { "offline_access" } } },
            Members = { new SandboxMemberSettings { Sub = "no spaces allowed", Name = "X" } },
            AccessTokenLifetime = TimeSpan.Zero,
            EndpointLatency = { ["nowhere"] = TimeSpan.Zero },
        };

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => LinkedInSandbox.StartAsync(settings, cancellationToken: Harness.Ct));

        Assert.Contains(error.Failures, f => f.StartsWith("Sandbox:Apps:0:ClientId", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Sandbox:Apps:0:AllowedScopes", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Sandbox:Members:0:Sub", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Sandbox:AccessTokenLifetime", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("Sandbox:EndpointLatency:nowhere", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_standalone_appsettings_carry_the_demo_app_and_member()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "sandbox-appsettings.json");
        Assert.True(File.Exists(path), "the sandbox's appsettings.json is linked into the test output");
        var configuration = new ConfigurationBuilder().AddJsonFile(path).Build();
        var settings = configuration.GetSection(SandboxSettings.SectionName).Get<SandboxSettings>()!;

        await using var sandbox = await LinkedInSandbox.StartAsync(settings, cancellationToken: Harness.Ct);

        var app = Assert.Single(sandbox.Control.Apps);
        Assert.Equal("tokenworkers-demo", app.ClientId);
        Assert.True(app.ProgrammaticRefresh);
        Assert.Equal(["http://127.0.0.1:5070/connect/linkedin/callback", "http://localhost:5070/connect/linkedin/callback"], app.RedirectUris);
        var member = Assert.Single(sandbox.Control.Members);
        var seeded = sandbox.Control.SeedGrant(app.ClientId, member.Sub, "openid", "profile", "email", "w_member_social");
        Assert.NotNull(seeded.RefreshToken);
    }

    [Fact]
    public async Task The_built_sandbox_started_from_the_repository_root_loads_its_own_settings()
    {
        // A user ran the binary from the repository root: it loaded no settings and answered "client_id is invalid".
        var root = RepositoryRoot();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var binary = Path.Combine(root, "src", "TokenWorkers.Sandbox", "bin", configuration, "net10.0", "TokenWorkers.Sandbox.dll");
        Assert.True(File.Exists(binary), $"the built sandbox is at {binary}");
        var port = FreePort();
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { binary, "--urls", $"http://127.0.0.1:{port}", "--Logging:Console:FormatterName=simple" })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Harness.Ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            string? line;
            do
            {
                line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            }
            while (line is not null && !line.Contains("LinkedIn sandbox listening on", StringComparison.Ordinal));

            Assert.NotNull(line);
            Assert.Contains("with 1 apps and 1 members", line, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(Harness.Ct);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TokenWorkers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TokenWorkers.sln not found above the test binaries.");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
