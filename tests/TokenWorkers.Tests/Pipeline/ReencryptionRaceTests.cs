using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TokenWorkers.Admin;
using TokenWorkers.Contracts;
using TokenWorkers.Storage.Encryption;
using TokenWorkers.Storage.Sqlite;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>
/// The re-encryption sweep running while the scan refreshes the same connections, each refresh rotating the refresh
/// token: every rewrite is version-checked, so no refresh's tokens are overwritten by the sweep's older copy.
/// </summary>
public sealed class ReencryptionRaceTests : IAsyncLifetime
{
    private const string OldKeyId = "test-1";
    private const string NewKeyId = "test-2";
    private static readonly string OldKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string NewKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 5)).ToArray());

    private PipelineHost _host = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await PipelineHost.StartAsync(new Dictionary<string, string?>
    {
        ["Encryption:ActiveKeyId"] = NewKeyId,
        [$"Encryption:Keys:{OldKeyId}"] = OldKey,
        [$"Encryption:Keys:{NewKeyId}"] = NewKey,
    });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_sweep_racing_refreshes_that_rotate_the_refresh_token_loses_no_token_and_leaves_every_row_under_the_new_key()
    {
        var ids = Enumerable.Range(1, 24).Select(i => $"race-{i:00}").ToArray();
        var grants = new Dictionary<string, string>();
        var oldKeyOptions = new EncryptionOptions { ActiveKeyId = OldKeyId };
        oldKeyOptions.Keys[OldKeyId] = OldKey;
        using (var oldKeyInstance = new SqliteConnectionStore(
            Path.Combine(_host.DataDirectory, SqliteConnectionStore.FileName), new AesGcmTokenProtector(Options.Create(oldKeyOptions)),
            NullLogger<SqliteConnectionStore>.Instance))
        {
            foreach (var id in ids)
            {
                var (connection, grant) = await _host.ConnectAsync(id);
                grants[id] = grant.GrantId;
                _host.Sandbox.Control.RotateNextRefreshToken(grant.GrantId);
                // Written again by an instance still on the old key, as before a rotation.
                Assert.NotNull(await oldKeyInstance.TryUpdateAsync(connection, connection.Version, Cancel));
            }
        }

        Assert.Equal(ids.Length, (await _host.Store.CountByKeyIdAsync(Cancel)).ConnectionsByKeyId[OldKeyId]);
        _host.Advance(TimeSpan.FromDays(50) + TimeSpan.FromMinutes(1));

        await using var scope = _host.Services.CreateAsyncScope();
        var sweep = Task.Run(() => scope.ServiceProvider.GetRequiredService<ConnectionReencryptor>().RunAsync(Cancel), Cancel);
        await _host.ScanAsync();
        var report = await sweep;
        await _host.Activity.SettleAsync();

        Assert.Empty(report.Unreadable);
        foreach (var id in ids)
        {
            var stored = await _host.GetAsync(id);
            Assert.Equal(1, _host.RefreshExchanges(grants[id]));
            Assert.Equal(_host.Sandbox.Control.FindGrant(grants[id])!.RefreshTokenFingerprint, stored.RefreshToken!.Fingerprint);
            Assert.Single(_host.Events.Of<TokenRefreshed>(id));
        }

        Assert.Equal(new Dictionary<string, long> { [NewKeyId] = ids.Length }, (await _host.Store.CountByKeyIdAsync(Cancel)).ConnectionsByKeyId);
    }
}
