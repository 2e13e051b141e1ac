using Microsoft.Extensions.Options;
using TokenWorkers.Connections;

namespace TokenWorkers.Connect;

/// <summary>The URL that starts the connect flow for a connection, carried by ReauthRequired and ReauthSoon.</summary>
public sealed class ConnectLinks(IOptions<ConnectOptions> options) : IReconnectLinks
{
    public Uri? LinkFor(string connectionId, string tenantId) =>
        new(options.Value.PublicBaseUrl!,
            $"connect/linkedin?connectionId={Uri.EscapeDataString(connectionId)}&tenantId={Uri.EscapeDataString(tenantId)}");
}
