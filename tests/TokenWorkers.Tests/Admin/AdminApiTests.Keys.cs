using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using TokenWorkers.Admin;

namespace TokenWorkers.Tests.Admin;

/// <summary>
/// Named keys with scopes, reloaded without a restart, and the audit trail: each caller has its own key that may do only
/// what its scopes say, and every write a known key makes (allowed or refused) is kept with the key's name.
/// </summary>
public sealed partial class AdminApiTests
{
    private const string ReaderKey = "reader-key-SENTINEL-3e8f1a6b9c2d5e7f";
    private const string OperatorKey = "operator-key-SENTINEL-4d7a2b9e6c1f3a8b";
    private const string RotatedKeyA = "rotated-key-A-SENTINEL-9b2c4d6e8f0a1b3c";
    private const string RotatedKeyB = "rotated-key-B-SENTINEL-1f3e5d7c9b0a2c4e";

    [Fact]
    public async Task A_key_without_the_routes_scope_is_refused_changes_nothing_and_the_refusal_is_audited()
    {
        var (before, _) = await Connect("scoped-1");
        _environment.Sandbox.Control.ResetRequests();

        using var refresh = await SendAsync("POST", "admin/connections/scoped-1/refresh", ReaderKey);
        using var disconnect = await SendAsync("POST", "admin/connections/scoped-1/disconnect", ReaderKey);
        using var read = await SendAsync("GET", "admin/connections/scoped-1", ReaderKey);

        Assert.Equal(HttpStatusCode.Forbidden, refresh.StatusCode);
        Assert.Contains("does not hold the scope 'operate'", await refresh.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, disconnect.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Empty(_environment.Sandbox.Control.Requests);
        Assert.Equal(before.Version, (await _environment.Store.FindAsync("scoped-1", Cancel))!.Version);
        var trail = await AuditAsync("target=scoped-1");
        Assert.Equal(
            [
                ("reader", "POST /admin/connections/{connectionId}/disconnect", "Refused", 403),
                ("reader", "POST /admin/connections/{connectionId}/refresh", "Refused", 403),
            ],
            trail.Select(r => (r.GetProperty("actor").GetString(), r.GetProperty("action").GetString(), r.GetProperty("outcome").GetString(), r.GetProperty("status").GetInt32())));
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task Every_write_is_audited_with_the_keys_name_the_route_the_target_and_the_outcome_and_reads_are_not()
    {
        await Connect("audited-1");

        using var refreshed = await SendAsync("POST", "admin/connections/audited-1/refresh", OperatorKey);
        using var unknown = await SendAsync("POST", "admin/connections/no-such-connection/disconnect", OperatorKey);
        using var anonymous = await SendAsync("POST", "admin/connections/audited-1/disconnect", key: "not-a-key-SENTINEL-000000000000");
        using var list = await SendAsync("GET", "admin/connections", OperatorKey);

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        var byOperator = await AuditAsync("actor=operator");
        Assert.Equal(
            [
                ("no-such-connection", "POST /admin/connections/{connectionId}/disconnect", "Failed", 404),
                ("audited-1", "POST /admin/connections/{connectionId}/refresh", "Succeeded", 200),
            ],
            byOperator.Select(r => (r.GetProperty("target").GetString(), r.GetProperty("action").GetString(), r.GetProperty("outcome").GetString(), r.GetProperty("status").GetInt32())));
        Assert.All(byOperator, r => Assert.InRange(r.GetProperty("at").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow));
        // A write without a valid key is logged, not stored: an anonymous caller cannot grow the store.
        Assert.DoesNotContain(await AuditAsync("target=audited-1"), r => r.GetProperty("status").GetInt32() == 401);
        AssertNoSecretInAnyResponse();
    }

    [Fact]
    public async Task A_key_rotated_in_the_keys_file_works_without_a_restart_and_a_broken_file_keeps_the_keys_in_force()
    {
        using (var first = await SendAsync("GET", "admin/fleet", RotatedKeyA))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        WriteKeysFile(("rotating-b", RotatedKeyB));
        await Pipeline.PipelineHost.WaitUntilAsync(async () =>
        {
            using var rotated = await SendAsync("GET", "admin/fleet", RotatedKeyB);
            return rotated.StatusCode == HttpStatusCode.OK;
        }, "the rotated key to be accepted", TimeSpan.FromSeconds(10));
        using (var retired = await SendAsync("GET", "admin/fleet", RotatedKeyA))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, retired.StatusCode);
        }

        await File.WriteAllTextAsync(_keysFile, """{"keys": [ oops""", Cancel);
        await Task.Delay(AdminKeyring.FileCheckInterval * 2, Cancel);
        using var stillIn = await SendAsync("GET", "admin/fleet", RotatedKeyB);
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        AssertNoSecretInAnyResponse();
    }

    private async Task<JsonElement[]> AuditAsync(string query)
    {
        using var response = await SendAsync("GET", $"admin/audit?{query}", ReaderKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        return [.. page.GetProperty("records").EnumerateArray()];
    }

    private string WriteKeysFile(params (string Name, string Key)[] keys)
    {
        // Written whole and moved into place, as a secret store updates a mounted file: a reader never sees half of it.
        var temporary = _keysFile + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new
        {
            keys = keys.Select(k => new { name = k.Name, sha256 = AdminKeySet.Hash(k.Key), scopes = new[] { "read" } }),
        }));
        File.Move(temporary, _keysFile, overwrite: true);
        return _keysFile;
    }
}
