using System.Text;
using System.Text.Json;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>
/// Runs the pipeline through success, rotation, transient, throttled, configuration and revoked paths,
/// then looks for every token and the client secret in everything the worker wrote.
/// </summary>
public sealed class SecretSentinelTests
{
    [Fact]
    public async Task No_token_or_secret_reaches_logs_events_exceptions_or_the_database_file()
    {
        await using var host = await PipelineHost.StartAsync();
        var secrets = new HashSet<string>(StringComparer.Ordinal) { PipelineHost.ClientSecret };
        var ids = new[] { "s-ok", "s-rotated", "s-flaky", "s-throttled", "s-revoked", "s-selfserve" };
        foreach (var id in ids)
        {
            var (connection, grant) = await host.ConnectAsync(id, programmaticRefresh: id != "s-selfserve");
            secrets.Add(grant.AccessToken);
            if (grant.RefreshToken is not null)
            {
                secrets.Add(grant.RefreshToken);
            }

            switch (id)
            {
                case "s-rotated": host.Sandbox.Control.RotateNextRefreshToken(grant.GrantId); break;
                case "s-revoked": host.Sandbox.Control.RevokeGrant(grant.GrantId); break;
            }
        }

        host.Sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.ServiceUnavailable);
        host.Sandbox.Control.InjectFault(SandboxEndpoint.AccessToken, SandboxFault.TooManyRequests);
        host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));
        for (var i = 0; i < 5; i++)
        {
            await host.ScanAsync();
            foreach (var id in ids)
            {
                var stored = await host.GetAsync(id);
                secrets.Add(stored.AccessToken!.Reveal());
                if (stored.RefreshToken is not null)
                {
                    secrets.Add(stored.RefreshToken.Reveal());
                }
            }

            host.Advance(TimeSpan.FromDays(2));
        }

        // Posting: inline refreshes, a 401 on the revoked connection, userinfo; the ledger shares the database file.
        host.Sandbox.Control.InjectFault(SandboxEndpoint.UgcPosts, SandboxFault.DropAfterProcessing);
        foreach (var id in ids)
        {
            await host.PublishAsync(new PublishPost { PostId = "post-" + id, ConnectionId = id, Text = "Sentinel post from " + id });
            var stored = await host.GetAsync(id);
            secrets.Add(stored.AccessToken!.Reveal());
            if (stored.RefreshToken is not null)
            {
                secrets.Add(stored.RefreshToken.Reveal());
            }
        }

        Assert.NotEmpty(host.Events.PostDeliveries);
        AssertNoSecret(secrets, string.Join('\n', host.Events.PostDeliveries.Select(e => JsonSerializer.Serialize(e, e.GetType()))), "posting events");

        await using (var misconfigured = await PipelineHost.StartAsync(new Dictionary<string, string?> { ["LinkedIn:ClientSecret"] = "SENTINEL-WRONG-SECRET-44" }))
        {
            var (_, grant) = await misconfigured.ConnectAsync("s-misconfigured");
            secrets.Add(grant.AccessToken);
            secrets.Add(grant.RefreshToken!);
            secrets.Add("SENTINEL-WRONG-SECRET-44");
            misconfigured.Advance(TimeSpan.FromDays(51));
            await misconfigured.ScanAsync();
            AssertNoSecret(secrets, misconfigured.Logs.Text, "logs of a misconfigured worker");
        }

        Assert.True(secrets.Count > 12, "the scenario should have produced new tokens");
        Assert.Contains(host.Logs.Lines, l => l.Contains("s-revoked", StringComparison.Ordinal));
        Assert.NotEmpty(host.Events.Deliveries);
        AssertNoSecret(secrets, host.Logs.Text, "logs");
        AssertNoSecret(secrets, string.Join('\n', host.Events.Deliveries.Select(e => JsonSerializer.Serialize(e, e.GetType()))), "published events");
        AssertNoSecret(secrets, string.Join('\n', (await AllConnectionsAsync(host)).Select(c => c.ToString())), "connection records' text form");

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var files = Directory.GetFiles(host.DataDirectory, "*", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            AssertNoSecret(secrets, Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken)), $"file {Path.GetFileName(file)}");
        }
    }

    private static async Task<IReadOnlyList<TokenWorkers.Connections.Connection>> AllConnectionsAsync(PipelineHost host) =>
        await host.Store.ListAsync(null, 100, CancellationToken.None);

    private static void AssertNoSecret(IEnumerable<string> secrets, string text, string where)
    {
        foreach (var secret in secrets)
        {
            // Report only a prefix: the assertion message itself must not print the secret.
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"a secret starting {secret[..4]}… appears in {where}");
        }
    }
}
