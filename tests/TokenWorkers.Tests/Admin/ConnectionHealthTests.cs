using TokenWorkers.Admin;
using TokenWorkers.Connections;

namespace TokenWorkers.Tests.Admin;

/// <summary>What an operator is told about a connection: its health, and why a forced refresh cannot help.</summary>
public sealed class ConnectionHealthTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static Connection Active(TimeSpan accessLeft, TimeSpan refreshLeft) => new()
    {
        ConnectionId = "c-1",
        TenantId = "t",
        AccessToken = new SecretToken("access"),
        RefreshToken = new SecretToken("refresh"),
        AccessTokenExpiresAt = Now + accessLeft,
        RefreshTokenExpiresAt = Now + refreshLeft,
        CreatedAt = Now.AddDays(-300),
    };

    [Fact]
    public void A_connection_whose_member_was_warned_is_expiring_soon_even_outside_the_window()
    {
        // A user saw "Healthy" for a connection that had just sent ReauthSoon (30 days before its end).
        var warned = Active(TimeSpan.FromDays(25), TimeSpan.FromDays(25)) with { ReauthWarningsSent = [30] };
        var unwarned = Active(TimeSpan.FromDays(25), TimeSpan.FromDays(25));

        Assert.Equal(ConnectionHealth.ExpiringSoon, ConnectionHealths.Of(warned, Now));
        Assert.Equal(ConnectionHealth.Healthy, ConnectionHealths.Of(unwarned, Now));
        Assert.Equal(ConnectionHealth.ExpiringSoon, ConnectionHealths.Of(Active(TimeSpan.FromDays(10), TimeSpan.FromDays(10)), Now));
    }

    [Fact]
    public void A_refused_forced_refresh_says_which_of_the_three_reasons_holds()
    {
        // A user was told the refresh token "has ended or has none" for one that had ten days left.
        var atTheEnd = Active(TimeSpan.FromDays(10), TimeSpan.FromDays(10));
        var ended = Active(TimeSpan.FromDays(-1), TimeSpan.FromDays(-1));
        var without = Active(TimeSpan.FromDays(50), TimeSpan.FromDays(300)) with { RefreshToken = null };

        Assert.StartsWith("Its access token already lasts until its refresh token's end", RefreshRefusals.Explain(atTheEnd, Now), StringComparison.Ordinal);
        Assert.StartsWith("The connection's refresh token ended at", RefreshRefusals.Explain(ended, Now), StringComparison.Ordinal);
        Assert.StartsWith("The connection has no refresh token", RefreshRefusals.Explain(without, Now), StringComparison.Ordinal);
    }
}
