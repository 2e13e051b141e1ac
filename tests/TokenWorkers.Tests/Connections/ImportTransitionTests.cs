using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Refresh;

namespace TokenWorkers.Tests.Connections;

/// <summary>The import's decisions, as pure functions of the stored connection, the line and the time.</summary>
public sealed class ImportTransitionTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly RefreshSchedule Schedule = new(new RefreshOptions().ToScheduleRules());
    private static readonly SecretToken Access = new("AQV-import-access-1");
    private static readonly SecretToken Refresh = new("AQW-import-refresh-1");

    [Fact]
    public void A_connection_already_due_is_first_looked_at_no_sooner_than_its_spread_moment_and_one_not_due_keeps_its_time()
    {
        var notBefore = Now.AddMinutes(37);

        var due = ConnectionTransitions.Import(null, Facts(), Grant(Now.AddDays(2)), "urn:li:person:a", Now, notBefore, Schedule, out var verdict)!;
        var later = ConnectionTransitions.Import(null, Facts(), Grant(Now.AddDays(60)), "urn:li:person:a", Now, notBefore, Schedule, out _)!;

        Assert.Equal(ImportResult.Imported, verdict.Result);
        Assert.Equal(notBefore, due.Next.NextRefreshAt);
        Assert.Equal(Schedule.NextCheckAt(later.Next with { NextRefreshAt = null }, Now), later.Next.NextRefreshAt);
        Assert.True(later.Next.NextRefreshAt > Now.AddDays(40));
        var authorized = Assert.IsType<ConnectionAuthorized>(Assert.Single(due.Events));
        Assert.True(authorized.Imported);
        Assert.False(authorized.Reconnected);
        Assert.Equal(1, authorized.Version);
    }

    [Fact]
    public void The_same_tokens_change_nothing_other_tokens_need_overwrite_and_overwrite_keeps_the_member_and_history()
    {
        var stored = ConnectionTransitions.Import(null, Facts(), Grant(Now.AddDays(60)), "urn:li:person:a", Now, Now, Schedule, out _)!.Next with { Version = 1 };
        var newAccess = new SecretToken("AQV-import-access-2");

        Assert.Equal(ImportResult.Unchanged, ConnectionTransitions.ImportPrecheck(stored, Facts())!.Result);
        Assert.Equal(ImportVerdict.Skip(ImportReasons.Exists), ConnectionTransitions.ImportPrecheck(stored, Facts(access: newAccess)));
        Assert.StartsWith(ImportReasons.OtherTenant, ConnectionTransitions.ImportPrecheck(stored, Facts(tenant: "t-other"))!.Reason, StringComparison.Ordinal);
        Assert.Null(ConnectionTransitions.ImportPrecheck(stored, Facts(access: newAccess, overwrite: true)));

        var takeover = ConnectionTransitions.Import(
            stored, Facts(access: newAccess, overwrite: true), Grant(Now.AddDays(60), newAccess), "urn:li:person:b", Now, Now, Schedule, out var refused);
        Assert.Null(takeover);
        Assert.StartsWith(ImportReasons.MemberMismatch, refused.Reason, StringComparison.Ordinal);

        var replaced = ConnectionTransitions.Import(
            stored, Facts(access: newAccess, overwrite: true), Grant(Now.AddDays(60), newAccess), "urn:li:person:a", Now.AddHours(1), Now, Schedule, out var verdict)!;
        Assert.Equal(ImportResult.Imported, verdict.Result);
        Assert.Equal(newAccess, replaced.Next.AccessToken);
        Assert.Equal(stored.CreatedAt, replaced.Next.CreatedAt);
        Assert.Equal(2, replaced.Next.Attempts.Count);
        var authorized = Assert.IsType<ConnectionAuthorized>(Assert.Single(replaced.Events));
        Assert.True(authorized.Imported && authorized.Reconnected);
        Assert.Equal(2, authorized.Version);
    }

    private static ImportFacts Facts(SecretToken? access = null, string tenant = "t-1", bool overwrite = false) =>
        new("c-import", tenant, access ?? Access, Refresh, overwrite);

    private static TokenGrant Grant(DateTimeOffset accessEnds, SecretToken? access = null) =>
        new(access ?? Access, accessEnds, Refresh, Now.AddDays(300), ["openid", "profile", "w_member_social"]);
}
