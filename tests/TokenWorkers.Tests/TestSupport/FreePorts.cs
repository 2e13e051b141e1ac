using System.Net;
using System.Net.Sockets;

namespace TokenWorkers.Tests.TestSupport;

internal static class FreePorts
{
    /// <summary>A loopback port free right now, for a host whose address must be known before it starts.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
