using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Hosting;
using TokenWorkers.LinkedIn;
using TokenWorkers.Outbox;
using TokenWorkers.Refresh;

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
    IConnectionStore store,
    LinkedInOAuthClient linkedIn,
    WorkerIdentity identity,
    IReconnectLinks reconnectLinks,
    OutboxDispatcher outbox,
    IPublishEndpoint publisher,
    IOptions<RefreshOptions> options,
    TimeProvider time,
    ILogger<ConnectionDisconnector> logger)
{
    public async Task<DisconnectResult> DisconnectAsync(string connectionId, string? reason, CancellationToken cancellationToken)
    {
        var holder = identity.NewLeaseHolder();
        var skipped = DisconnectOutcome.AlreadyDisconnected;
        var leased = await store.UpdateAsync(connectionId, c =>
        {
            var now = time.GetUtcNow();
            if (c.Status == ConnectionStatus.Disconnected)
            {
                skipped = DisconnectOutcome.AlreadyDisconnected;
                return null;
            }

            if (c.Lease is { } lease && lease.Until > now)
            {
                skipped = DisconnectOutcome.Leased;
                return null;
            }

            return c with { Lease = new Lease(holder, now + options.Value.LeaseDuration) };
        }, cancellationToken);

        if (leased.Connection is null)
        {
            return new DisconnectResult(DisconnectOutcome.Unknown, null, $"Connection '{connectionId}' does not exist.");
        }

        if (!leased.Written)
        {
            return skipped == DisconnectOutcome.Leased
                ? new DisconnectResult(skipped, leased.Connection, "A refresh or post is using this connection right now; try again in a few seconds.")
                : new DisconnectResult(skipped, leased.Connection);
        }

        var problem = await RevokeAsync(leased.Connection, holder, cancellationToken);
        if (problem is not null)
        {
            await store.ReleaseLeaseAsync(connectionId, holder);
            LogRevokeFailed(logger, connectionId, problem);
            return new DisconnectResult(DisconnectOutcome.RevokeFailed, leased.Connection, problem);
        }

        var stored = await store.UpdateAsync(connectionId, c =>
        {
            if (c.Lease?.Holder != holder)
            {
                return null;
            }

            var now = time.GetUtcNow();
            var version = c.Version + 1;
            var disconnected = c with
            {
                Status = ConnectionStatus.Disconnected,
                AccessToken = null,
                RefreshToken = null,
                AccessTokenExpiresAt = null,
                RefreshTokenExpiresAt = null,
                NextRefreshAt = null,
                Lease = null,
                FailureCount = 0,
                LastFailure = null,
                ProblemSince = null,
                ReauthWarningsSent = [],
                WarningDeadline = null,
            };
            return disconnected
                .WithEvents(new ConnectionDisconnected
                {
                    EventId = EventIds.For(c.ConnectionId, version, nameof(ConnectionDisconnected)),
                    ConnectionId = c.ConnectionId,
                    TenantId = c.TenantId,
                    Version = version,
                    OccurredAt = now,
                    Reason = reason,
                    ReconnectUrl = reconnectLinks.LinkFor(c.ConnectionId, c.TenantId),
                })
                .WithAttempt(new RefreshAttempt(now, AttemptTrigger.Disconnect, AttemptOutcome.Disconnected, null, version));
        }, cancellationToken);

        if (!stored.Written)
        {
            // Only after our lease expired mid-call: the tokens are revoked at LinkedIn, so the next refresh learns
            // that and asks the member to log in again; nothing is lost by not wiping them here.
            return new DisconnectResult(DisconnectOutcome.Leased, stored.Connection,
                "The tokens were revoked at LinkedIn, but the connection changed meanwhile; disconnect again to wipe them.");
        }

        await outbox.DispatchAsync(stored.Connection!, publisher, cancellationToken);
        LogDisconnected(logger, connectionId, stored.Connection!.Version);
        return new DisconnectResult(DisconnectOutcome.Disconnected, stored.Connection);
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
                if (await linkedIn.RevokeAsync(token, cancellationToken) is { } failed)
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
                await store.ReleaseLeaseAsync(connection.ConnectionId, holder);
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
