using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Sandbox;
using TokenWorkers.Tests.Pipeline;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Tests.Import;

public sealed partial class ImportApiTests
{
    private const int Good = 9_890;

    [Fact]
    public async Task Ten_thousand_lines_with_every_kind_of_bad_line_are_counted_exactly_spread_announced_once_and_a_rerun_changes_nothing()
    {
        var existing = Enumerable.Range(0, 10).Select(i => (Id: $"bulk-exists-{i}", Member: Sandbox.CreateMember())).ToArray();
        await ImportAsync(AdminKey, string.Join('\n', existing.Select(e => Line(e.Id, Seed(e.Member.Sub)))));
        var dueSoon = DateTimeOffset.UtcNow.AddDays(2).ToString("O", CultureInfo.InvariantCulture);
        var goods = Enumerable.Range(0, Good).Select(i =>
        {
            var (member, grant) = Grant();
            // Half say their access token ends in two days (due now, so spread); half leave the expiry to LinkedIn (60 days).
            return Line($"bulk-{i:D5}", grant, extra: i % 2 == 0 ? new() { ["accessTokenExpiresAt"] = dueSoon } : new() { ["memberUrn"] = $"urn:li:person:{member.Sub}" });
        }).ToList();
        var bad = BadLines(existing.Select(e => (e.Id, Seed(e.Member.Sub))).ToArray());
        var lines = new List<string>(goods);
        for (var i = 0; i < bad.Count; i++)
        {
            lines.Insert((i * 97) % lines.Count, bad[i]);
        }

        // Duplicates last, so the line they repeat is always the earlier one.
        lines.AddRange(goods.Take(10));
        Assert.Equal(10_000, lines.Count);
        var body = string.Join('\n', lines) + "\n";

        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var (results, summary) = await ImportAsync(ImporterKey, body);
        var took = clock.Elapsed;
        var ended = DateTimeOffset.UtcNow;

        Assert.Equal(10_000, summary.GetProperty("lines").GetInt32());
        Assert.Equal(Good, summary.GetProperty("imported").GetInt32());
        Assert.Equal(0, summary.GetProperty("unchanged").GetInt32());
        Assert.Equal(10, summary.GetProperty("skipped").GetInt32());
        Assert.Equal(100, summary.GetProperty("rejected").GetInt32());
        Assert.Equal(Enumerable.Range(1, 10_000), results.Select(r => r.GetProperty("line").GetInt32()).Order());
        var reasons = results.Where(r => r.TryGetProperty("reason", out _)).Select(r => r.GetProperty("reason").GetString()!).ToList();
        Assert.Equal(20, reasons.Count(r => r.StartsWith(ImportReasons.BadJson, StringComparison.Ordinal)));
        Assert.Equal(20, reasons.Count(r => r.StartsWith(ImportReasons.MissingField, StringComparison.Ordinal)));
        Assert.Equal(10, reasons.Count(r => r.StartsWith(ImportReasons.UnknownApp, StringComparison.Ordinal)));
        Assert.Equal(10, reasons.Count(r => r.StartsWith(ImportReasons.InvalidField, StringComparison.Ordinal)));
        Assert.Equal(20, reasons.Count(r => r.StartsWith(ImportReasons.TokenRejected, StringComparison.Ordinal)));
        Assert.Equal(10, reasons.Count(r => r.StartsWith(ImportReasons.MemberMismatch, StringComparison.Ordinal)));
        Assert.Equal(10, reasons.Count(r => r.StartsWith(ImportReasons.Duplicate, StringComparison.Ordinal)));
        Assert.Equal(10, reasons.Count(r => r == ImportReasons.Exists));
        Assert.True(took < TimeSpan.FromSeconds(120), $"10,000 lines took {took}");

        // Spread: the connections due now are first looked at over the next hour, never all in one minute.
        var stored = new List<Connection>();
        for (var i = 0; i < Good; i++)
        {
            stored.Add((await _environment.Store.FindAsync($"bulk-{i:D5}", Cancel))!);
        }

        var spread = stored.Where((_, i) => i % 2 == 0).Select(c => c.NextRefreshAt!.Value).ToList();
        Assert.All(spread, at => Assert.InRange(at, started, ended.AddHours(1)));
        Assert.True(spread.Max() - spread.Min() > TimeSpan.FromMinutes(50), $"due times span only {spread.Max() - spread.Min()}");
        var busiestMinute = spread.GroupBy(at => (at - started).Ticks / TimeSpan.TicksPerMinute).Max(g => g.Count());
        Assert.True(busiestMinute < 250, $"{busiestMinute} of {spread.Count} due in one minute");
        Assert.All(stored.Where((_, i) => i % 2 == 1), c => Assert.True(c.NextRefreshAt > ended.AddDays(40), $"{c.ConnectionId} due {c.NextRefreshAt}"));

        // Announced once each, as imported.
        await PipelineHost.WaitUntilAsync(
            () => _environment.OtherService.Of<ConnectionAuthorized>().Count(e => e.ConnectionId.StartsWith("bulk-0", StringComparison.Ordinal)) >= Good,
            "a ConnectionAuthorized per imported connection", TimeSpan.FromSeconds(90));
        var announced = _environment.OtherService.Deliveries.OfType<ConnectionAuthorized>()
            .Where(e => e.ConnectionId.StartsWith("bulk-0", StringComparison.Ordinal)).ToList();
        Assert.Equal(Good, announced.Count);
        Assert.Equal(Good, announced.Select(e => e.ConnectionId).Distinct().Count());
        Assert.All(announced, e => Assert.True(e.Imported && !e.Reconnected));

        // The same file again: nothing changes, and only the lines LinkedIn refused before are asked about again.
        Sandbox.ResetRequests();
        var (_, again) = await ImportAsync(ImporterKey, body);
        Assert.Equal(Good, again.GetProperty("unchanged").GetInt32());
        Assert.Equal(0, again.GetProperty("imported").GetInt32());
        Assert.Equal(10, again.GetProperty("skipped").GetInt32());
        Assert.Equal(100, again.GetProperty("rejected").GetInt32());
        Assert.Equal(30, Sandbox.Requests.Count(r => r.Endpoint == SandboxEndpoint.IntrospectToken));
        Assert.Equal(1, (await _environment.Store.FindAsync("bulk-00000", Cancel))!.Version);
        Assert.Equal(Good, _environment.OtherService.Deliveries.OfType<ConnectionAuthorized>().Count(e => e.ConnectionId.StartsWith("bulk-0", StringComparison.Ordinal)));
        AssertNoTokenAnywhere();
    }

    /// <summary>100 lines that are rejected, and 10 that are skipped (other tokens for <paramref name="existing"/>, no overwrite).</summary>
    private List<string> BadLines((string Id, SeededGrant Other)[] existing)
    {
        var bad = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            bad.AddRange(["{not json", "[1,2,3]", "\"a string\"", """{"connectionId": "bulk-cut", "accessToken": """]);
        }

        for (var i = 0; i < 10; i++)
        {
            var (_, grant) = Grant();
            bad.Add(JsonSerializer.Serialize(new { connectionId = $"bulk-no-token-{i}", tenantId = "tenant-import" }));
            bad.Add(JsonSerializer.Serialize(new { connectionId = $"bulk-no-tenant-{i}", accessToken = grant.AccessToken }));
            bad.Add(Line($"bulk-app-{i}", grant, extra: new() { ["app"] = "marketing" }));
            bad.Add(Line(new string('x', 201), grant));
            var (_, revoked) = Grant();
            Sandbox.RevokeGrant(revoked.GrantId);
            bad.Add(Line($"bulk-revoked-{i}", revoked));
            var unknown = $"AQV-not-a-token-LinkedIn-issued-{Guid.NewGuid():N}";
            _tokens.Add(unknown);
            bad.Add(JsonSerializer.Serialize(new { connectionId = $"bulk-unknown-{i}", tenantId = "tenant-import", accessToken = unknown }));
            bad.Add(Line($"bulk-mismatch-{i}", grant, extra: new() { ["memberUrn"] = $"urn:li:person:{Sandbox.CreateMember().Sub}" }));
            bad.Add(Line(existing[i].Id, existing[i].Other));
        }

        return bad;
    }
}
