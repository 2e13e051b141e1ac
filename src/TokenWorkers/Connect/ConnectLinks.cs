using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;

namespace TokenWorkers.Connect;

/// <summary>
/// The reconnect link carried by ReauthRequired and ReauthSoon: <c>/connect/linkedin?reconnect=…</c>, signed with the
/// state key (HMAC-SHA256, under its own label so a state can never pass for a link) and expiring after
/// <see cref="ConnectOptions.ReconnectLinkLifetime"/>. It names a connection and can only renew it for its own member:
/// harmless in the wrong hands.
/// </summary>
public sealed class ConnectLinks(IOptions<ConnectOptions> options, TimeProvider time) : IReconnectLinks
{
    private static readonly byte[] Label = "tokenworkers-reconnect-link:"u8.ToArray();

    public Uri? LinkFor(string connectionId, string tenantId)
    {
        var payload = ConnectState.Base64Url(JsonSerializer.SerializeToUtf8Bytes(
            new LinkPayload(connectionId, tenantId, (time.GetUtcNow() + options.Value.ReconnectLinkLifetime).ToUnixTimeSeconds()),
            LinkJsonContext.Default.LinkPayload));
        return new Uri(options.Value.PublicBaseUrl!, $"connect/linkedin?reconnect={payload}.{ConnectState.Base64Url(Sign(payload))}");
    }

    /// <summary>The connection and tenant a link names, or why it is refused (altered, expired).</summary>
    public (string? ConnectionId, string? TenantId, string? Problem) Read(string link)
    {
        var parts = link.Split('.');
        if (parts.Length != 2 || !ConnectState.TryBase64Url(parts[1], out var signature) ||
            !CryptographicOperations.FixedTimeEquals(signature, Sign(parts[0])) ||
            !ConnectState.TryBase64Url(parts[0], out var json))
        {
            return (null, null, "This reconnect link was altered or did not come from this service.");
        }

        var payload = JsonSerializer.Deserialize(json, LinkJsonContext.Default.LinkPayload);
        if (payload is null || DateTimeOffset.FromUnixTimeSeconds(payload.ExpiresAt) <= time.GetUtcNow())
        {
            return (null, null, "This reconnect link has expired. Start from the page that sent you here to get a new one.");
        }

        return (payload.ConnectionId, payload.TenantId, null);
    }

    private byte[] Sign(string payload) => HMACSHA256.HashData(options.Value.StateKeyBytes, (byte[])[.. Label, .. Encoding.ASCII.GetBytes(payload)]);

    internal sealed record LinkPayload(
        [property: JsonPropertyName("c")] string ConnectionId,
        [property: JsonPropertyName("t")] string TenantId,
        [property: JsonPropertyName("e")] long ExpiresAt);
}

[JsonSerializable(typeof(ConnectLinks.LinkPayload))]
internal sealed partial class LinkJsonContext : JsonSerializerContext;
