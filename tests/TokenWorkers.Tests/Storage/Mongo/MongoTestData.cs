using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;

namespace TokenWorkers.Tests.Storage.Mongo;

/// <summary>Fixed values and builders for the MongoDB store's tests.</summary>
internal static class MongoTestData
{
    /// <summary>Has sub-millisecond ticks on purpose: the store keeps whole milliseconds.</summary>
    public static readonly DateTimeOffset Now = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    public static readonly Guid EventId1 = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
    public static readonly Guid EventId2 = Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7");
    public static readonly Guid WriteId = Guid.Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301");

    public static Connection NewConnection(string id, string tenantId = "tenant-1") => new()
    {
        ConnectionId = id,
        TenantId = tenantId,
        AccessToken = new SecretToken($"access-{id}"),
        CreatedAt = Now,
    };

    /// <summary>Every field set, several dates in a non-UTC offset and with sub-millisecond ticks.</summary>
    public static Connection FullConnection() => new()
    {
        ConnectionId = "conn-full",
        TenantId = "tenant-1",
        MemberUrn = "urn:li:person:abc123",
        Scopes = ["openid", "profile", "w_member_social"],
        Status = ConnectionStatus.ReauthRequired,
        AccessToken = new SecretToken("AQV-access-token-value"),
        RefreshToken = new SecretToken("AQX-refresh-token-value"),
        AccessTokenExpiresAt = new DateTimeOffset(2026, 4, 30, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(9_999),
        RefreshTokenExpiresAt = new DateTimeOffset(2027, 3, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(5_555),
        NextRefreshAt = Now.AddDays(20),
        LastRefreshedAt = Now.AddDays(-1),
        CreatedAt = Now.AddDays(-30),
        Version = 7,
        Lease = new Lease("worker-a/1234", Now.AddMinutes(2)),
        FailureCount = 3,
        LastFailure = new ConnectionFailure(FailureClass.Reauth, "invalid_grant", "The refresh token is revoked", Now.AddHours(-1)),
        ProblemSince = Now.AddHours(-5),
        ReauthWarningsSent = [30, 14],
        WarningDeadline = Now.AddDays(40),
        PendingEvents =
        [
            new PendingEvent(EventId1, "ReauthRequired", """{"connectionId":"conn-full"}""", Now.AddMinutes(-1)),
            new PendingEvent(EventId2, "ReauthSoon", """{"daysBefore":14}""", Now.AddMinutes(-3)),
        ],
        Attempts =
        [
            new RefreshAttempt(Now.AddDays(-30), AttemptTrigger.Connect, AttemptOutcome.Authorized, null, 1),
            new RefreshAttempt(new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.FromHours(2)).AddTicks(4_444), AttemptTrigger.Scheduled, AttemptOutcome.Reauth, "invalid_grant", 7),
        ],
        WriteId = WriteId,
    };

    /// <summary><paramref name="value"/> as the store keeps it: UTC, whole milliseconds.</summary>
    public static DateTimeOffset Stored(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}
