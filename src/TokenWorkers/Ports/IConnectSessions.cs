namespace TokenWorkers.Ports;

/// <summary>
/// A connect session: the product's backend asked (with a key holding the <c>connect</c> scope) for a member to connect
/// <paramref name="ConnectionId"/>; the member gets a link that starts the flow once, before <paramref name="ExpiresAt"/>.
/// The store keeps only the SHA-256 of the link's secret (<paramref name="Id"/>): reading the store yields no usable link.
/// </summary>
/// <param name="CreatedBy">The name of the key that minted it.</param>
/// <param name="RedeemedAt">When a browser used the link; a link is good for one use, across every instance.</param>
/// <param name="App">The LinkedIn app the member authorizes (<see cref="ILinkedInApps"/>).</param>
public sealed record ConnectSession(
    string Id,
    string ConnectionId,
    string TenantId,
    Uri? ReturnUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string CreatedBy,
    DateTimeOffset? RedeemedAt = null,
    string App = Connections.Connection.DefaultApp);

/// <summary>Connect sessions in the store, so that "once" holds across every instance of the worker.</summary>
public interface IConnectSessions
{
    /// <summary>Creates what sessions need (table, collection, indexes); idempotent.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Stores a new session; false when a session with its id exists already (nothing is overwritten).</summary>
    Task<bool> TryAddAsync(ConnectSession session, CancellationToken cancellationToken);

    Task<ConnectSession?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Marks the session redeemed at <paramref name="now"/> if it is neither redeemed nor expired, in one conditional
    /// write: of two browsers racing with one link, exactly one gets the session back; the other gets null.
    /// </summary>
    Task<ConnectSession?> TryRedeemAsync(string id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes sessions that expired before <paramref name="expiredBefore"/>; returns how many.</summary>
    Task<long> DeleteExpiredAsync(DateTimeOffset expiredBefore, CancellationToken cancellationToken);
}
