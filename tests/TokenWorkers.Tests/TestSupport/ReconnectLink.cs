using System.Text.Json;

namespace TokenWorkers.Tests.TestSupport;

/// <summary>Reads which connection a reconnect link names, the way a test checks an event's link (not its signature).</summary>
public static class ReconnectLink
{
    public static string? ConnectionOf(string? url, Uri workerAddress)
    {
        ArgumentNullException.ThrowIfNull(workerAddress);
        if (url is null || !url.StartsWith(new Uri(workerAddress, "connect/linkedin?reconnect=").ToString(), StringComparison.Ordinal))
        {
            return null;
        }

        var payload = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["reconnect"]!.Split('.')[0].Replace('-', '+').Replace('_', '/');
        payload += new string('=', (4 - (payload.Length % 4)) % 4);
        return JsonDocument.Parse(Convert.FromBase64String(payload)).RootElement.GetProperty("c").GetString();
    }
}
