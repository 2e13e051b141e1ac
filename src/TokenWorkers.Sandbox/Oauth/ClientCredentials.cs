using System.Security.Cryptography;
using System.Text;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Oauth;

internal static class ClientCredentials
{
    /// <summary>The app whose id and secret these are, or null. The secret is compared in constant time, as a real server would.</summary>
    public static SandboxApp? Authenticate(Registrations registrations, string clientId, string clientSecret)
    {
        var app = registrations.FindApp(clientId);
        if (app is null)
        {
            return null;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(app.ClientSecret))
            ? app
            : null;
    }
}
