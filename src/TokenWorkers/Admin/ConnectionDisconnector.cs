using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;
using TokenWorkers.Refresh;
using TokenWorkers.Runtime;

namespace TokenWorkers.Admin;

public enum DisconnectOutcome
{
    Disconnected,
    AlreadyDisconnected,
    Unknown,

    /// <summary>A refresh or post holds the lease; nothing was changed.</summary>
    Leased,

    /// <summary>LinkedIn did not confirm the revocation; the tokens were kept so the call can be repeated.</summary>
    RevokeFailed,
}

public sealed record DisconnectResult(DisconnectOutcome Outcome, Connection? Connection, string? Problem = null);

/// <summary>
/// Disconnects a connection: takes its lease (so no refresh can store new tokens meanwhile), revokes its tokens at
/// LinkedIn, then wipes them, stops its refreshes and emits <see cref="ConnectionDisconnected"/> in one write.
/// A token is wiped only after LinkedIn confirmed its revocation: a failed call leaves everything as it was.
/// </summary>
public sealed partial class ConnectionDisconnector(
    ILinkedInOAuth linkedIn,
    WorkerIdentity identity,
    IReconnectLinks reconnectLinks,
    AggregateWriter<Connection> writer,
    IOptions<RefreshOptions> options,
    ILogger<ConnectionDisconnector> logger)
{
    public async Task<DisconnectResult> DisconnectAsync(string connectionId, string? reason, CancellationToken cancellationToken)
    {
        var holder = identity.NewLeaseHolder();
        var skipped = DisconnectOutcome.AlreadyDisconnected;
        var leased = await writer.UpdateAsync(connectionId, (c, now) =>
        {
            skipped = c.Status == ConnectionStatus.Disconnected ? DisconnectOutcome.AlreadyDisconnected : DisconnectOutcome.Leased;
            return c.Status == ConnectionStatus.Disconnected ? null : ConnectionTransitions.Lease(c, now, holder, options.Value.LeaseDuration);
        }, cancellationToken);

        if (leased.Current is null)
        {
            return new DisconnectResult(DisconnectOutcome.Unknown, null, $"Connection '{connectionId}' does not exist.");
        }

        if (!leased.Changed)
        {
            return skipped == DisconnectOutcome.Leased
                ? new DisconnectResult(skipped, leased.Current, "A refresh or post is using this connection right now; try again in a few seconds.")
                : new DisconnectResult(skipped, leased.Current);
        }

        var problem = await RevokeAsync(leased.Current, holder, cancellationToken);
        if (problem is not null)
        {
            await writer.ReleaseLeaseAsync(connectionId, holder);
            LogRevokeFailed(logger, connectionId, problem);
            return new DisconnectResult(DisconnectOutcome.RevokeFailed, leased.Current, problem);
        }

        var link = reconnectLinks.LinkFor(leased.Current.ConnectionId, leased.Current.TenantId);
        var stored = await writer.UpdateAsync(
            connectionId, (c, now) => ConnectionTransitions.Disconnected(c, now, holder, reason, link), cancellationToken, leased.Current);

        if (!stored.Changed)
        {
            // Only after our lease expired mid-call: the tokens are revoked at LinkedIn, so the next refresh learns
            // that and asks the member to log in again; nothing is lost by not wiping them here.
            return new DisconnectResult(DisconnectOutcome.Leased, stored.Current,
                "The tokens were revoked at LinkedIn, but the connection changed meanwhile; disconnect again to wipe them.");
        }

        LogDisconnected(logger, connectionId, stored.Current!.Version);
        return new DisconnectResult(DisconnectOutcome.Disconnected, stored.Current);
    }

    private async Task<string?> RevokeAsync(Connection connection, string holder, CancellationToken cancellationToken)
    {
        foreach (var token in new[] { connection.AccessToken, connection.RefreshToken })
        {
            if (token is null)
            {
                continue;
            }

            try
            {
                if (await linkedIn.RevokeAsync(connection.App, token, cancellationToken) is { } failed)
                {
                    var code = failed.ErrorCode is null ? "" : $" {failed.ErrorCode}";
                    return $"LinkedIn refused to revoke the tokens ({failed.Class}{code}): {failed.Description}. Nothing was changed; try again.";
                }
            }
            catch (LinkedInTransportException ex)
            {
                return $"{ex.Message}. Nothing was changed; try again.";
            }
            catch (OperationCanceledException)
            {
                await writer.ReleaseLeaseAsync(connection.ConnectionId, holder);
                throw;
            }
        }

        return null;
    }

    [LoggerMessage(EventId = 800, Level = LogLevel.Information, Message = "Connection {ConnectionId} disconnected: tokens revoked at LinkedIn and wiped (version {Version})")]
    private static partial void LogDisconnected(ILogger logger, string connectionId, long version);

    [LoggerMessage(EventId = 801, Level = LogLevel.Warning, Message = "Disconnecting {ConnectionId} failed, nothing changed: {Problem}")]
    private static partial void LogRevokeFailed(ILogger logger, string connectionId, string problem);
}
