namespace TokenWorkers.Connections;

/// <summary>
/// The link that starts the connect flow for a connection, carried by ReauthRequired and ReauthSoon.
/// Null until the worker serves a connect flow.
/// </summary>
public interface IReconnectLinks
{
    Uri? LinkFor(string connectionId, string tenantId);
}

/// <summary>Used while no connect flow is configured: events carry no link.</summary>
public sealed class NoReconnectLinks : IReconnectLinks
{
    public Uri? LinkFor(string connectionId, string tenantId) => null;
}
