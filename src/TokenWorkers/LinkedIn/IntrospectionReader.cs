using System.Net;
using System.Text.Json;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;

namespace TokenWorkers.LinkedIn;

/// <summary>Reads LinkedIn's answer to <c>introspectToken</c> (docs/linkedin-api.md §3.1): epoch seconds, comma-separated scopes.</summary>
public static class IntrospectionReader
{
    public static TokenResult Read(HttpStatusCode status, string body, DateTimeOffset requestedAt)
    {
        if (status != HttpStatusCode.OK)
        {
            // §3.1: 400 is "invalid client id or token" (LinkedIn's description says which); 401 a wrong client secret.
            var failed = LinkedInErrorReader.OAuthFailure(status, body, requestedAt);
            return status == HttpStatusCode.BadRequest && failed.ErrorCode is not null ? failed with { Class = FailureClass.Reauth } : failed;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("active", out var active)
                || active.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return Unreadable();
            }

            return new TokenIntrospected(
                active.GetBoolean(),
                Text(root, "status"),
                Seconds(root, "expires_at"),
                Seconds(root, "created_at"),
                Seconds(root, "authorized_at"),
                Text(root, "scope") is { } scope ? scope.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : []);
        }
        catch (JsonException)
        {
            return Unreadable();
        }
    }

    private static TokenFailed Unreadable() =>
        new(FailureClass.Transient, null, "LinkedIn's introspection answered 200 with a body that is not an introspection result", 200);

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Seconds(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            && seconds is > 0 and < 253_402_300_800
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
