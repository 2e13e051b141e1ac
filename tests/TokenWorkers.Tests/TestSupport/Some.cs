using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Storage.Encryption;

namespace TokenWorkers.Tests.TestSupport;

/// <summary>Builders of valid test objects; change what a test is about with <c>with { ... }</c>.</summary>
internal static class Some
{
    /// <summary>A healthy, refreshable connection, as right after a grant.</summary>
    public static Connection Connection(string id = The.ConnectionId) => new()
    {
        ConnectionId = id,
        TenantId = The.TenantId,
        MemberUrn = The.MemberUrn,
        Scopes = ["openid", "profile", "w_member_social"],
        AccessToken = The.AccessToken,
        RefreshToken = The.RefreshToken,
        AccessTokenExpiresAt = The.Now.AddDays(60),
        RefreshTokenExpiresAt = The.Now.AddDays(365),
        NextRefreshAt = The.Now.AddDays(50),
        LastRefreshedAt = The.Now,
        CreatedAt = The.Now,
    };

    /// <summary>Only what a connection cannot be without: every optional field is empty.</summary>
    public static Connection BareConnection(string id = The.ConnectionId) => new()
    {
        ConnectionId = id,
        TenantId = The.TenantId,
        CreatedAt = The.Now,
    };

    /// <summary>Every field set to a value other than its default, nested records included.</summary>
    public static Connection FullyPopulatedConnection(string id = The.ConnectionId) => Connection(id) with
    {
        Status = ConnectionStatus.ReauthRequired,
        App = "marketing",
        Version = 7,
        Lease = Lease("worker-7f3a/refresh", The.Now.AddSeconds(30)),
        FailureCount = 3,
        LastFailure = new ConnectionFailure(
            FailureClass.Reauth, "invalid_grant", "The refresh token is expired or revoked.", The.Now.AddMinutes(-5)),
        ProblemSince = The.Now.AddHours(-2),
        ReauthWarningsSent = [30, 14, 7],
        WarningDeadline = The.Now.AddDays(6),
        PendingEvents =
        [
            PendingEvent(The.Now.AddMinutes(-1), "ReauthRequired", The.TraceParent),
            PendingEvent(The.Now.AddMinutes(-3), "ReauthSoon"),
        ],
        Attempts =
        [
            new RefreshAttempt(The.Now.AddDays(-50), AttemptTrigger.Connect, AttemptOutcome.Authorized, null, 1),
            new RefreshAttempt(The.Now.AddMinutes(-9), AttemptTrigger.Scheduled, AttemptOutcome.Transient, null, 5),
            new RefreshAttempt(The.Now.AddMinutes(-5), AttemptTrigger.BeforePost, AttemptOutcome.Reauth, "invalid_grant", 6),
        ],
        WriteId = Guid.Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301"),
    };

    public static Lease Lease(string holder, DateTimeOffset until) => new(holder, until);

    /// <summary>An event whose payload has escapes and non-ASCII text, to prove it is kept byte for byte.</summary>
    public static PendingEvent PendingEvent(DateTimeOffset createdAt, string kind = "TokenRefreshed", string? traceParent = null)
    {
        var eventId = Guid.NewGuid();
        var payload =
            $$"""{"eventId":"{{eventId}}","connectionId":"{{The.ConnectionId}}","note":"caf\u00e9 \"quoted\" Zürich ✓","version":2}""";
        return new PendingEvent(eventId, kind, payload, createdAt, traceParent);
    }

    /// <summary>Key ring options with <paramref name="activeKeyId"/> active and the named keys of <see cref="The.Keys"/>.</summary>
    public static EncryptionOptions EncryptionOptions(string activeKeyId, params string[] keyIds)
    {
        var options = new EncryptionOptions { ActiveKeyId = activeKeyId };
        foreach (var keyId in keyIds.Length == 0 ? [activeKeyId] : keyIds)
        {
            options.Keys[keyId] = The.Keys[keyId];
        }

        return options;
    }

    /// <summary>A protector over <see cref="EncryptionOptions(string, string[])"/>; by default key A alone.</summary>
    public static ITokenProtector Protector(string activeKeyId = The.KeyAId, params string[] keyIds) =>
        new AesGcmTokenProtector(Options.Create(EncryptionOptions(activeKeyId, keyIds)));
}
